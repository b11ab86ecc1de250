package dev.cutover.replication.backfill;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.testsupport.EmbeddedMariaDb;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.H2Databases;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The real databases of this package's tests, started on first use and shared by its test classes
 * (one database each per JVM; every test uses its own tables, named by {@link #uniqueName}).
 * PostgreSQL and MariaDB are pooled, as a service would use them.
 */
final class TestDatabases {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static DataSource postgres;
  private static DataSource mariaDb;
  private static DataSource h2;

  private TestDatabases() {}

  /** A fresh lower-case identifier: {@code hint} plus a counter. */
  static String uniqueName(String hint) {
    return hint + "_" + NAMES.incrementAndGet();
  }

  static synchronized DataSource postgres() {
    if (postgres == null) {
      postgres = pool("backfill-pg", EmbeddedPostgresServer.get().createDatabase("backfill").dataSource());
    }
    return postgres;
  }

  static synchronized DataSource mariaDb() {
    if (mariaDb == null) {
      mariaDb = pool("backfill-maria", EmbeddedMariaDb.get().createDatabase("backfill").dataSource());
    }
    return mariaDb;
  }

  static synchronized DataSource h2() {
    if (h2 == null) {
      h2 = H2Databases.createDatabase("backfill").dataSource();
    }
    return h2;
  }

  private static DataSource pool(String name, DataSource database) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(database);
    config.setMaximumPoolSize(12);
    config.setPoolName(name);
    // the pool lives as long as the JVM, like the embedded servers
    return new HikariDataSource(config);
  }
}
