package dev.cutover.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One database on an embedded server (or an H2 in-memory database).
 *
 * @param name the database (catalog) name
 * @param jdbcUrl a JDBC URL for it, without credentials
 * @param user the user the {@code dataSource} connects as
 * @param password that user's password (empty: none)
 * @param dataSource a plain, unpooled data source; every {@code getConnection()} opens a new
 *     connection, so it keeps working across a server {@code stop()}/{@code start()}
 */
public record TestDatabase(String name, String jdbcUrl, String user, String password, DataSource dataSource) {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** A new connection from {@link #dataSource()}. */
    public Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * A HikariCP pool over {@link #dataSource()}, named after the database, of at most {@code
     * maximumSize} connections, opened as they are needed (at least one is kept open). Close it when done, or
     * keep it for the life of the JVM, like the embedded servers.
     */
    public HikariDataSource pooled(int maximumSize) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource);
        config.setMaximumPoolSize(maximumSize);
        config.setMinimumIdle(1);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    /**
     * A database name that is unique in this JVM and safe unquoted in PostgreSQL, MariaDB and H2:
     * the hint lower-cased, reduced to {@code [a-z0-9_]}, at most 40 characters, plus a counter.
     */
    static String uniqueName(String hint) {
        String base = hint == null ? "" : hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
        if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
            base = "db_" + base;
        }
        if (base.length() > 40) {
            base = base.substring(0, 40);
        }
        return base + "_" + COUNTER.incrementAndGet();
    }
}
