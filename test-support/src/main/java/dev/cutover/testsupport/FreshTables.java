package dev.cutover.testsupport;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A database of its own for one test class, on one of the real stores behind a small pool, that
 * hands out a new, empty table for each test or property try: a fresh table costs a {@code CREATE
 * TABLE}, not a {@code CREATE DATABASE}. The caller says what a table is made of ({@link Layout});
 * the names ({@code t_<kind>_<n>}) are unique within the database.
 *
 * <p>While the caller uses the table it was handed, the next one, of the same layout, is created,
 * and the one before is dropped, on a background thread: DDL is what a try costs most on MariaDB,
 * and this keeps it out of the tries' time. A call that asks for another layout than the one
 * prepared drops the prepared table and creates its own.
 *
 * <pre>{@code
 * static final FreshTables TABLES = FreshTables.on(DatabaseKind.MARIADB, "orders_test");
 *
 * String table = TABLES.fresh(name -> List.of(
 *     "CREATE TABLE " + TABLES.quote(name) + " (id BIGINT PRIMARY KEY, doc VARCHAR(200))"));
 * }</pre>
 *
 * <p>Thread-safe. The pool lives until {@link #close()}, or until the JVM exits.
 */
public final class FreshTables implements AutoCloseable {
    /** What a table is made of: the statements that create it under a given name. */
    @FunctionalInterface
    public interface Layout {
        /**
         * The statements that create table {@code name} (unquoted; quote it with {@link
         * FreshTables#quote}), run in order with auto-commit on. Two layouts whose statements are equal
         * for the same name make the same table.
         */
        List<String> statements(String name) throws Exception;
    }

    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fresh-tables");
        t.setDaemon(true);
        return t;
    });

    private final DatabaseKind kind;
    private final HikariDataSource pool;
    private final String prefix;
    private int counter;
    private @Nullable String previous;
    private @Nullable Future<?> prepared;
    private String preparedName = "";
    private List<String> preparedStatements = List.of();

    private FreshTables(DatabaseKind kind, String hint) {
        this.kind = kind;
        this.pool = kind.createDatabase(hint).pooled(6);
        this.prefix = "t_" + kind.name().toLowerCase(Locale.ROOT) + "_";
    }

    /**
     * A new database of {@code kind}, named after {@code hint} (the test class, say) plus a counter,
     * behind a pool of up to 6 connections; the embedded server starts on first use.
     */
    public static FreshTables on(DatabaseKind kind, String hint) {
        return new FreshTables(kind, hint);
    }

    /** The kind of database the tables are on. */
    public DatabaseKind kind() {
        return kind;
    }

    /** The pool on the database. */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * A new, empty table of {@code layout}, by name (unquoted). The table handed out before is
     * dropped, and the next one created, in the background.
     *
     * @throws Exception what creating the table, or preparing it in the background, threw
     */
    public synchronized String fresh(Layout layout) throws Exception {
        String name;
        if (prepared != null) {
            prepared.get();
            name = preparedName;
            prepared = null;
        } else {
            name = nextName();
        }
        List<String> statements = layout.statements(name);
        if (!statements.equals(preparedStatements)) {
            execute("DROP TABLE IF EXISTS " + quote(name)); // prepared for another layout, or never
            create(statements);
        }
        String old = previous;
        previous = name;
        String upcoming = nextName();
        List<String> upcomingStatements = layout.statements(upcoming);
        preparedName = upcoming;
        preparedStatements = upcomingStatements;
        prepared = BACKGROUND.submit(() -> {
            if (old != null) {
                execute("DROP TABLE IF EXISTS " + quote(old));
            }
            create(upcomingStatements);
            return null;
        });
        return name;
    }

    private String nextName() {
        return prefix + (++counter);
    }

    private void create(List<String> statements) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Runs one statement on a connection of the pool. */
    public void execute(String sql) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** {@code identifier} quoted for this database ({@link DatabaseKind#quote}). */
    public String quote(String identifier) {
        return kind.quote(identifier);
    }

    /** Closes the pool; the database and its tables stay until the JVM exits. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "FreshTables[" + kind + ", " + pool.getPoolName() + "]";
    }
}
