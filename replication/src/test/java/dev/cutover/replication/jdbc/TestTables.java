package dev.cutover.replication.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.testsupport.EmbeddedMariaDb;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.H2Databases;
import dev.cutover.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One database per test class on one of the real stores, behind a small pool, handing out a new
 * table per property try and dropping the one before: a fresh target costs a CREATE TABLE, not a
 * CREATE DATABASE.
 */
final class TestTables {
  enum Store { POSTGRES, MARIADB, H2 }

  final Store store;
  final HikariDataSource pool;
  private final String prefix;
  private int counter;
  private String previous;
  private Future<?> prepared;
  private String preparedName;
  private List<String> preparedDdl = List.of();
  private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-tables");
    t.setDaemon(true);
    return t;
  });

  private TestTables(Store store, String hint) {
    this.store = store;
    TestDatabase db = switch (store) {
      case POSTGRES -> EmbeddedPostgresServer.get().createDatabase(hint);
      case MARIADB -> EmbeddedMariaDb.get().createDatabase(hint);
      case H2 -> H2Databases.createDatabase(hint);
    };
    HikariConfig config = new HikariConfig();
    config.setDataSource(db.dataSource());
    config.setMaximumPoolSize(6);
    config.setMinimumIdle(1);
    config.setPoolName(db.name());
    this.pool = new HikariDataSource(config);
    this.prefix = "t_" + store.name().toLowerCase(Locale.ROOT);
  }

  static TestTables of(Store store, String hint) {
    return new TestTables(store, hint);
  }

  DataSource dataSource() {
    return pool;
  }

  /**
   * A new, empty target table. The next one is created, and the previous one dropped, on a
   * background thread while the caller uses this one: DDL is what a try costs most on MariaDB.
   */
  synchronized JdbcVersionedTarget freshTarget(UnaryOperator<JdbcVersionedTarget.Builder> settings) throws Exception {
    String name;
    if (prepared != null) {
      prepared.get();
      name = preparedName;
      prepared = null;
    } else {
      name = prefix + "_" + (++counter);
    }
    JdbcVersionedTarget target = build(name, settings);
    if (!target.schemaStatements().equals(preparedDdl)) {
      execute("DROP TABLE IF EXISTS " + quote(name)); // prepared for other settings, or never
      target.createTableIfMissing();
    }
    String old = previous;
    previous = name;
    String upcoming = prefix + "_" + (++counter);
    preparedName = upcoming;
    preparedDdl = build(upcoming, settings).schemaStatements();
    prepared = BACKGROUND.submit(() -> {
      if (old != null) {
        execute("DROP TABLE IF EXISTS " + quote(old));
      }
      build(upcoming, settings).createTableIfMissing();
      return null;
    });
    return target;
  }

  private JdbcVersionedTarget build(String name, UnaryOperator<JdbcVersionedTarget.Builder> settings) throws SQLException {
    return settings.apply(JdbcVersionedTarget.builder(pool).table(name)).build();
  }

  private String quote(String table) {
    return store == Store.MARIADB ? "`" + table + "`" : "\"" + table + "\"";
  }

  void execute(String sql) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
