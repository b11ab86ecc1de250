package dev.cutover.replication.integration;

import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.SharedDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The real stores of the replication tests outside the JDBC package: the {@link SharedDatabases} on
 * the embedded PostgreSQL and MariaDB servers, and {@link JdbcVersionedTarget}s in fresh tables of
 * them. Every test uses its own tables, named by {@link #uniqueName}, and may drop them with {@link
 * #drop}.
 *
 * <pre>{@code
 * JdbcVersionedTarget target = RealStores.freshTarget(RealStores.Store.POSTGRES, "mirror", b -> b.segments(2));
 * ...
 * RealStores.drop(RealStores.Store.POSTGRES, target.table());
 * }</pre>
 */
public final class RealStores {
    /** A real database server. */
    public enum Store {
        POSTGRES(DatabaseKind.POSTGRES),
        MARIADB(DatabaseKind.MARIADB);

        final DatabaseKind kind;

        Store(DatabaseKind kind) {
            this.kind = kind;
        }
    }

    private RealStores() {}

    /**
     * The pooled database of {@code store} (up to 12 connections: a mirror's workers, a backfill's, a
     * reconciler and a test's own), created on first use; lives as long as the JVM.
     */
    public static DataSource pool(Store store) {
        return SharedDatabases.of(store.kind);
    }

    /** A fresh lower-case table name: {@code hint} plus a counter. */
    public static String uniqueName(String hint) {
        return SharedDatabases.uniqueName(hint);
    }

    /** A target in a new, empty table of {@code store}, configured further by {@code settings}. */
    public static JdbcVersionedTarget freshTarget(
            Store store, String hint, UnaryOperator<JdbcVersionedTarget.Builder> settings) throws SQLException {
        JdbcVersionedTarget target = settings.apply(
                        JdbcVersionedTarget.builder(pool(store)).table(uniqueName(hint)))
                .build();
        target.createTableIfMissing();
        return target;
    }

    /** {@link #freshTarget} whose table {@link ScopedTarget#close()} drops: for try-with-resources. */
    public static ScopedTarget scopedTarget(
            Store store, String hint, UnaryOperator<JdbcVersionedTarget.Builder> settings) throws SQLException {
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
        try (Connection c = pool(store).getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Drops {@code table} of {@code store} if it exists. */
    public static void drop(Store store, String table) throws SQLException {
        execute(store, "DROP TABLE IF EXISTS " + store.kind.quote(table));
    }
}
