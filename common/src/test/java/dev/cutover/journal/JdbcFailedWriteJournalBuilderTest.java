package dev.cutover.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.journal.JdbcFailedWriteJournal.Dialect;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Configuration is checked when set, the dialect is detected, and the shipped DDL is current. */
class JdbcFailedWriteJournalBuilderTest {

  /** A data source whose connections report {@code product}; counts opened and closed ones. */
  private static final class FakeDatabase {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final DataSource dataSource;

    FakeDatabase(String product) {
      DatabaseMetaData meta = proxy(DatabaseMetaData.class, (m, a) -> {
        if (m.equals("getDatabaseProductName")) {
          return product;
        }
        throw new UnsupportedOperationException(m);
      });
      Connection connection = proxy(Connection.class, (m, a) -> {
        switch (m) {
          case "getMetaData":
            return meta;
          case "close":
            closed.incrementAndGet();
            return null;
          default:
            throw new UnsupportedOperationException(m);
        }
      });
      dataSource = proxy(DataSource.class, (m, a) -> {
        if (m.equals("getConnection")) {
          opened.incrementAndGet();
          return connection;
        }
        throw new UnsupportedOperationException(m);
      });
    }
  }

  @FunctionalInterface
  private interface Handler {
    Object call(String method, Object[] args);
  }

  private static <T> T proxy(Class<T> type, Handler handler) {
    return type.cast(Proxy.newProxyInstance(
        type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> handler.call(m.getName(), a)));
  }

  @Test
  void badTablePrefixesAreRejectedNamingTheValue() {
    DataSource unused = new FakeDatabase("H2").dataSource;
    for (String bad : List.of("", "Cutover_", "1st_", "_x", "a-b", "a b", "a;drop", "a\"b", "x".repeat(41), "é_")) {
      assertThatThrownBy(() -> JdbcFailedWriteJournal.builder(unused).tablePrefix(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tablePrefix")
          .hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> JdbcFailedWriteJournal.builder(unused).tablePrefix(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("tablePrefix");
    assertThatThrownBy(() -> JdbcFailedWriteJournal.builder(unused).dialect(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JdbcFailedWriteJournal.builder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void goodTablePrefixesAreKept() throws Exception {
    DataSource ds = new FakeDatabase("H2").dataSource;
    for (String good : List.of("a", "cutover_", "orders_v2_", "x".repeat(40))) {
      assertThat(JdbcFailedWriteJournal.builder(ds).tablePrefix(good).build().tablePrefix()).isEqualTo(good);
    }
    assertThat(JdbcFailedWriteJournal.builder(ds).build().tablePrefix()).isEqualTo("cutover_");
  }

  @Test
  void dialectIsDetectedFromTheProductNameOnABorrowedConnection() throws Exception {
    String[][] cases = {
      {"PostgreSQL", "POSTGRESQL"}, {"MySQL", "MYSQL"}, {"MariaDB", "MYSQL"}, {"H2", "H2"}
    };
    for (String[] c : cases) {
      FakeDatabase db = new FakeDatabase(c[0]);
      JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(db.dataSource).build();
      assertThat(journal.dialect()).as(c[0]).isEqualTo(Dialect.valueOf(c[1]));
      assertThat(db.closed.get()).isEqualTo(db.opened.get()).isEqualTo(1);
    }
  }

  @Test
  void anUnsupportedDatabaseIsNamed() {
    FakeDatabase db = new FakeDatabase("Oracle");
    assertThatThrownBy(() -> JdbcFailedWriteJournal.builder(db.dataSource).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Oracle'")
        .hasMessageContaining("dialect(");
    assertThat(db.closed.get()).isEqualTo(1);
  }

  @Test
  void anExplicitDialectOpensNoConnection() throws Exception {
    FakeDatabase db = new FakeDatabase("Oracle");
    JdbcFailedWriteJournal journal =
        JdbcFailedWriteJournal.builder(db.dataSource).dialect(Dialect.POSTGRESQL).tablePrefix("crdb_").build();
    assertThat(journal.dialect()).isEqualTo(Dialect.POSTGRESQL);
    assertThat(db.opened.get()).isZero();
    assertThat(journal).hasToString("JdbcFailedWriteJournal[postgresql, \"crdb_failed_writes\"]");
  }

  @Test
  void schemaStatementsUseTheQuotedPrefix() throws Exception {
    DataSource ds = new FakeDatabase("H2").dataSource;
    for (Dialect d : Dialect.values()) {
      List<String> ddl = JdbcFailedWriteJournal.builder(ds).dialect(d).tablePrefix("orders_").build().schemaStatements();
      char q = d == Dialect.MYSQL ? '`' : '"';
      assertThat(String.join("\n", ddl))
          .contains(q + "orders_failed_writes" + q)
          .contains(q + "orders_failed_writes_pending" + q)
          .doesNotContain("cutover_");
    }
  }

  @Test
  void shippedSqlFilesMatchTheGeneratedSchema() throws Exception {
    DataSource ds = new FakeDatabase("H2").dataSource;
    for (Dialect dialect : Dialect.values()) {
      String file;
      try (InputStream in = JdbcFailedWriteJournal.class.getResourceAsStream(dialect.schemaResource())) {
        assertThat(in).as("resource %s", dialect.schemaResource()).isNotNull();
        file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      List<String> statements = new ArrayList<>();
      for (String part : file.split(";\n")) {
        String withoutComments =
            part.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n").strip();
        if (!withoutComments.isEmpty()) {
          statements.add(withoutComments);
        }
      }
      assertThat(statements)
          .as("%s schema file", dialect)
          .isEqualTo(JdbcFailedWriteJournal.builder(ds).dialect(dialect).build().schemaStatements());
    }
  }
}
