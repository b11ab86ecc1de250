package dev.cutover.replication.integration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.testsupport.EmbeddedMariaDb;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The real stores of the replication tests outside the JDBC package: one database on the embedded
 * PostgreSQL server and one on the embedded MariaDB server per JVM, started on first use, each
 * behind one pool, and {@link JdbcVersionedTarget}s in fresh tables of them. Every test uses its
 * own tables, named by {@link #uniqueName}, and may drop them with {@link #drop}.
 *
 * <pre>{@code
 * JdbcVersionedTarget target = RealStores.freshTarget(RealStores.Store.POSTGRES, "mirror", b -> b.segments(2));
 * ...
 * RealStores.drop(RealStores.Store.POSTGRES, target.table());
 * }</pre>
 */
public final class RealStores {
  /** A real database server. */
  public enum Store { POSTGRES, MARIADB }

  /** Connections per pool: a mirror's workers, a backfill's, a reconciler and a test's own. */
  private static final int POOL_SIZE = 12;
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Map<Store, DataSource> POOLS = new EnumMap<>(Store.class);

  private RealStores() {}

  /** The pooled database of {@code store}, created on first use; lives as long as the JVM. */
  public static synchronized DataSource pool(Store store) {
    return POOLS.computeIfAbsent(store, s -> {
      TestDatabase db = s == Store.POSTGRES ? EmbeddedPostgresServer.get().createDatabase("replication")
          : EmbeddedMariaDb.get().createDatabase("replication");
      HikariConfig config = new HikariConfig();
      config.setDataSource(db.dataSource());
      config.setMaximumPoolSize(POOL_SIZE);
      config.setMinimumIdle(1);
      config.setPoolName("replication-" + s.name().toLowerCase(java.util.Locale.ROOT));
      return new HikariDataSource(config);
    });
  }

  /** A fresh lower-case table name: {@code hint} plus a counter. */
  public static String uniqueName(String hint) {
    return hint + "_" + NAMES.incrementAndGet();
  }

  /** A target in a new, empty table of {@code store}, configured further by {@code settings}. */
  public static JdbcVersionedTarget freshTarget(Store store, String hint,
      UnaryOperator<JdbcVersionedTarget.Builder> settings) throws SQLException {
    JdbcVersionedTarget target = settings.apply(JdbcVersionedTarget.builder(pool(store)).table(uniqueName(hint)))
        .build();
    target.createTableIfMissing();
    return target;
  }

  /** {@link #freshTarget} whose table {@link ScopedTarget#close()} drops: for try-with-resources. */
  public static ScopedTarget scopedTarget(Store store, String hint, UnaryOperator<JdbcVersionedTarget.Builder> settings)
      throws SQLException {
    return new ScopedTarget(store, freshTarget(store, hint, settings));
  }

  /**
   * A target whose table is dropped on close.
   *
   * @param store where the table is
   * @param target the target
   */
  public record ScopedTarget(Store store, JdbcVersionedTarget target) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      drop(store, target.table());
    }
  }

  /** Runs one statement on {@code store}'s database. */
  public static void execute(Store store, String sql) throws SQLException {
    try (Connection c = pool(store).getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Drops {@code table} of {@code store} if it exists. */
  public static void drop(Store store, String table) throws SQLException {
    execute(store, "DROP TABLE IF EXISTS " + (store == Store.MARIADB ? "`" + table + "`" : "\"" + table + "\""));
  }
}
