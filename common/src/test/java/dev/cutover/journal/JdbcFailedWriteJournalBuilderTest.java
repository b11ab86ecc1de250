package dev.cutover.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.jdbc.FakeDatabase;
import dev.cutover.jdbc.SqlDialect;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Configuration is checked when set, the dialect is detected, and the shipped DDL is current. */
class JdbcFailedWriteJournalBuilderTest {

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
            assertThat(JdbcFailedWriteJournal.builder(ds)
                            .tablePrefix(good)
                            .build()
                            .tablePrefix())
                    .isEqualTo(good);
        }
        assertThat(JdbcFailedWriteJournal.builder(ds).build().tablePrefix()).isEqualTo("cutover_");
    }

    @Test
    void dialectIsDetectedFromTheProductNameOnABorrowedConnection() throws Exception {
        String[][] cases = {{"PostgreSQL", "POSTGRESQL"}, {"MySQL", "MYSQL"}, {"MariaDB", "MYSQL"}, {"H2", "H2"}};
        for (String[] c : cases) {
            FakeDatabase db = new FakeDatabase(c[0]);
            JdbcFailedWriteJournal journal =
                    JdbcFailedWriteJournal.builder(db.dataSource).build();
            assertThat(journal.dialect()).as(c[0]).isEqualTo(SqlDialect.valueOf(c[1]));
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
        JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(db.dataSource)
                .dialect(SqlDialect.POSTGRESQL)
                .tablePrefix("crdb_")
                .build();
        assertThat(journal.dialect()).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(db.opened.get()).isZero();
        assertThat(journal).hasToString("JdbcFailedWriteJournal[postgresql, \"crdb_failed_writes\"]");
    }

    @Test
    void schemaStatementsUseTheQuotedPrefix() throws Exception {
        DataSource ds = new FakeDatabase("H2").dataSource;
        for (SqlDialect d : SqlDialect.values()) {
            List<String> ddl = JdbcFailedWriteJournal.builder(ds)
                    .dialect(d)
                    .tablePrefix("orders_")
                    .build()
                    .schemaStatements();
            char q = d == SqlDialect.MYSQL ? '`' : '"';
            assertThat(String.join("\n", ddl))
                    .contains(q + "orders_failed_writes" + q)
                    .contains(q + "orders_failed_writes_pending" + q)
                    .doesNotContain("cutover_");
        }
    }

    @Test
    void shippedSqlFilesMatchTheGeneratedSchema() throws Exception {
        DataSource ds = new FakeDatabase("H2").dataSource;
        for (SqlDialect dialect : SqlDialect.values()) {
            String file;
            try (InputStream in =
                    JdbcFailedWriteJournal.class.getResourceAsStream(JdbcFailedWriteJournal.schemaResource(dialect))) {
                assertThat(in)
                        .as("resource %s", JdbcFailedWriteJournal.schemaResource(dialect))
                        .isNotNull();
                file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> statements = new ArrayList<>();
            for (String part : file.split(";\n")) {
                String withoutComments = part.lines()
                        .filter(l -> !l.startsWith("--"))
                        .reduce("", (a, b) -> a + b + "\n")
                        .strip();
                if (!withoutComments.isEmpty()) {
                    statements.add(withoutComments);
                }
            }
            assertThat(statements)
                    .as("%s schema file", dialect)
                    .isEqualTo(JdbcFailedWriteJournal.builder(ds)
                            .dialect(dialect)
                            .build()
                            .schemaStatements());
        }
    }
}
