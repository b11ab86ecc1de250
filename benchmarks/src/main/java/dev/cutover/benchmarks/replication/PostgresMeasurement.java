package dev.cutover.benchmarks.replication;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Count;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Settings;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.testsupport.TestDatabase;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What the PostgreSQL measurements share: the pools, the rows, the counts and the log of a run,
 * and the tables they create, count and drop. Tables are named after the measurement and the round.
 */
abstract class PostgresMeasurement {

    /** The old table of the backfill and the reconciliation: {@code id} (key), {@code rev}, {@code doc}. */
    static final String SOURCE_TABLE = "rt_source";
    /**
     * The fill factor of every table the measurements create for the versioned target and the plain
     * inserts alike, from the system property {@code replication.fillFactor}; default 100.
     */
    static final int FILL_FACTOR = Integer.getInteger("replication.fillFactor", 100);
    /** Connections per pool. */
    static final int POOL_SIZE = 4;

    final HikariDataSource pool;
    final HikariDataSource rewritingPool;
    final Settings s;
    final Rows rows;
    final Map<Count, Long> counts;
    final PrintStream log;

    PostgresMeasurement(
            HikariDataSource pool,
            HikariDataSource rewritingPool,
            Settings s,
            Rows rows,
            Map<Count, Long> counts,
            PrintStream log) {
        this.pool = pool;
        this.rewritingPool = rewritingPool;
        this.s = s;
        this.rows = rows;
        this.counts = counts;
        this.log = log;
    }

    /** A measurement on the same run as {@code other}. */
    PostgresMeasurement(PostgresMeasurement other) {
        this(other.pool, other.rewritingPool, other.s, other.rows, other.counts, other.log);
    }

    /** A pool over the database; {@code rewrite}: pgJDBC rewrites JDBC batches of inserts into multi-row inserts. */
    static HikariDataSource pool(TestDatabase db, boolean rewrite) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.jdbcUrl());
        ds.setUser(db.user());
        ds.setReWriteBatchedInserts(rewrite);
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setPoolName(rewrite ? "replication-throughput-rewriting" : "replication-throughput");
        config.setMaximumPoolSize(POOL_SIZE);
        return new HikariDataSource(config);
    }

    /** {@code table} quoted for SQL. */
    static String q(String table) {
        return "\"" + table + "\"";
    }

    /** The versioned target over {@code table}, in batches of the run's batch size. */
    JdbcVersionedTarget target(String table) throws SQLException {
        return JdbcVersionedTarget.builder(pool)
                .table(table)
                .batchSize(s.batchSize())
                .dialect(SqlDialect.POSTGRESQL)
                .fillFactor(FILL_FACTOR)
                .build();
    }

    /** The pool a plain insert form writes through: pgJDBC rewrites the batches of one of them. */
    DataSource poolFor(PlainInsert form) {
        return form == PlainInsert.REWRITTEN_BATCH ? rewritingPool : pool;
    }

    /** A plain table with exactly the versioned target's DDL: same columns, primary key and segment index. */
    void createPlain(String table) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            for (String ddl : target(table).schemaStatements()) {
                st.execute(ddl);
            }
        }
    }

    /** Rows of a table, named as SQL wants it (quoted where needed). */
    long rowCount(String sqlTable) throws SQLException {
        return single("SELECT COUNT(*) FROM " + sqlTable);
    }

    /** The sum of the stored versions of a versioned table. */
    long versionSum(String table) throws SQLException {
        return single("SELECT COALESCE(SUM(version), 0) FROM " + q(table));
    }

    /** The one number {@code sql} returns. */
    long single(String sql) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Drops {@code table} if it exists. */
    void drop(String table) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + q(table));
        }
    }

    /** Writes dirty pages out before a timed step, so a checkpoint does not land in the middle of one. */
    void checkpoint() throws SQLException {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    /** Keeps a count, or throws when it is not the expected one. */
    void count(Count what, long actual, long expected) {
        Rounds.check(counts, what, actual, expected);
    }
}
