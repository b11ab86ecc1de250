package dev.cutover.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The SQL databases Cutover's JDBC stores speak: the failed-write journal, and replication's
 * versioned target, payload columns and checkpoint store. Told apart once, here, by {@code
 * DatabaseMetaData.getDatabaseProductName()}, unless set on a store's builder (for example {@code
 * POSTGRESQL} for a PostgreSQL-compatible database).
 *
 * <pre>{@code
 * SqlDialect dialect = SqlDialect.detect(dataSource);   // borrows one connection
 * SqlDialect same = SqlDialect.of("MariaDB");           // MYSQL
 * JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(dataSource)
 *     .dialect(SqlDialect.POSTGRESQL)                   // instead of detecting it
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public enum SqlDialect {
    /** PostgreSQL 12 or later. */
    POSTGRESQL,
    /** MySQL 8 or MariaDB 10.5 or later; InnoDB, utf8mb4. */
    MYSQL,
    /** H2 2.x, for tests and embedded use. */
    H2;

    private static final String SUPPORTED = "supported: PostgreSQL, MySQL, MariaDB, H2";

    /**
     * The dialect of a JDBC product name: one containing {@code postgres} is {@link #POSTGRESQL},
     * one containing {@code mysql} or {@code mariadb} is {@link #MYSQL}, {@code h2} is {@link #H2}
     * (ignoring case).
     *
     * @throws IllegalArgumentException when it is none of these, naming the product: {@code
     *     unsupported database 'Oracle'; supported: PostgreSQL, MySQL, MariaDB, H2}
     */
    public static SqlDialect of(String productName) {
        return of(productName, "");
    }

    /**
     * The dialect of the database a connection talks to, from its metadata; the connection stays
     * open.
     *
     * @throws IllegalArgumentException when the database is not supported, naming it (see {@link
     *     #of(String)})
     */
    public static SqlDialect detect(Connection connection) throws SQLException {
        return of(connection.getMetaData().getDatabaseProductName());
    }

    /**
     * The dialect of a data source's database; borrows one connection and gives it back.
     *
     * @throws IllegalArgumentException when the database is not supported, naming it (see {@link
     *     #of(String)})
     */
    public static SqlDialect detect(DataSource dataSource) throws SQLException {
        return detect(dataSource, "");
    }

    /**
     * The dialect a store's builder was given, or else the one detected from its data source (one
     * borrowed connection). For builders with a {@code dialect(SqlDialect)} setting: the error then
     * points to it.
     *
     * @throws IllegalArgumentException when {@code set} is null and the database is not supported:
     *     {@code unsupported database 'Oracle'; supported: PostgreSQL, MySQL, MariaDB, H2; set
     *     dialect(...) for a compatible one}
     */
    public static SqlDialect setOrDetect(@Nullable SqlDialect set, DataSource dataSource) throws SQLException {
        return set != null ? set : detect(dataSource, "; set dialect(...) for a compatible one");
    }

    private static SqlDialect detect(DataSource dataSource, String advice) throws SQLException {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            return of(c.getMetaData().getDatabaseProductName(), advice);
        }
    }

    private static SqlDialect of(String productName, String advice) {
        Objects.requireNonNull(productName, "productName");
        String p = productName.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return POSTGRESQL;
        } else if (p.contains("mysql") || p.contains("mariadb")) {
            return MYSQL;
        } else if (p.equals("h2")) {
            return H2;
        }
        throw new IllegalArgumentException("unsupported database '" + productName + "'; " + SUPPORTED + advice);
    }
}
