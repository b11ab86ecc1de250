package dev.cutover.replication.jdbc;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.spi.RangeResultStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link RangeResultStore} in a table on PostgreSQL, MySQL/MariaDB or H2, one table per
 * reconciliation: what each range of a split reconciliation found, for every process to merge.
 * Needs only {@code java.sql}.
 *
 * <pre>{@code
 * JdbcCheckpointStore checkpoints = JdbcCheckpointStore.builder(dataSource, "reconcile_orders").build();
 * JdbcRangeResultStore results = JdbcRangeResultStore.builder(dataSource, "orders").build();
 * ReconciliationReport report = reconciler.split(checkpoints, results).owner(podName).run();
 * }</pre>
 *
 * <p><b>Table</b> {@code <prefix><reconciliation>} ({@code cutover_reconcile_orders} above),
 * created if missing by {@link #prepare}: {@code result_id} (primary key) and {@code result} (text
 * of any length). A result is inserted once and never updated. To reconcile again from the start,
 * use new checkpoints; the old results can then be dropped with the table.
 *
 * <p><b>Connections.</b> Thread-safe; every call borrows one connection and returns it before
 * returning. Names are checked against {@link JdbcCheckpointStore#IDENTIFIER}; values are bound
 * parameters.
 *
 * @since 0.2.0
 */
public final class JdbcRangeResultStore implements RangeResultStore {
    private final DataSource dataSource;
    private final String table;

    private JdbcRangeResultStore(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
    }

    /** Starts configuring the results of reconciliation {@code reconciliation} over a data source. */
    public static Builder builder(DataSource dataSource, String reconciliation) {
        return new Builder(dataSource, reconciliation);
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    @Override
    public void prepare() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            SqlDialect dialect = SqlDialect.detect(c);
            String text = switch (dialect) {
                case POSTGRESQL -> "TEXT";
                case MYSQL -> "LONGTEXT";
                case H2 -> "CLOB";
            };
            String suffix =
                    dialect == SqlDialect.MYSQL ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : "";
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " (result_id VARCHAR(64) NOT NULL PRIMARY KEY,"
                        + " result " + text + " NOT NULL)" + suffix);
                commit(c);
            } catch (SQLException e) {
                rollback(c, e);
                // two processes creating the table at once: one of them may fail although the table now exists
                if (!exists(c)) {
                    throw e;
                }
            }
        }
    }

    private boolean exists(Connection c) {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT COUNT(*) FROM " + table).close();
            commit(c);
            return true;
        } catch (SQLException e) {
            rollback(c, e);
            return false;
        }
    }

    @Override
    public void put(String id, String result) throws SQLException {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(result, "result");
        if (id.isEmpty() || id.length() > 64) {
            throw new IllegalArgumentException("result id must be 1 to 64 characters but was '" + id + "'");
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO " + table + " (result_id, result) VALUES (?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, result);
                ps.executeUpdate();
                commit(c);
            } catch (SQLException e) {
                rollback(c, e);
                String state = e.getSQLState();
                if (state == null || !state.startsWith("23") || read(c, id).isEmpty()) {
                    throw e; // not a duplicate of a stored result
                }
            }
        }
    }

    @Override
    public Optional<String> get(String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Optional<String> result = read(c, id);
            commit(c);
            return result;
        }
    }

    private Optional<String> read(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT result FROM " + table + " WHERE result_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static void commit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    private static void rollback(Connection c, SQLException cause) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException r) {
            cause.addSuppressed(r);
        }
    }

    @Override
    public String describe() {
        return "JDBC range results " + table;
    }

    /**
     * Configures a {@link JdbcRangeResultStore}.
     *
     * @since 0.2.0
     */
    public static final class Builder {
        private final DataSource dataSource;
        private final String reconciliation;
        private String prefix = "cutover_reconcile_";

        private Builder(DataSource dataSource, String reconciliation) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.reconciliation = identifier("reconciliation name", reconciliation);
        }

        /** Prefix of the table name; default {@code cutover_reconcile_}. Must match {@link JdbcCheckpointStore#IDENTIFIER}. */
        public Builder tablePrefix(String prefix) {
            this.prefix = identifier("tablePrefix", prefix);
            return this;
        }

        /**
         * Builds the store; opens no connection.
         *
         * @throws IllegalArgumentException when prefix and name together exceed {@link
         *     JdbcCheckpointStore#MAX_TABLE_LENGTH}
         */
        public JdbcRangeResultStore build() {
            String table = prefix + reconciliation;
            if (table.length() > JdbcCheckpointStore.MAX_TABLE_LENGTH) {
                throw new IllegalArgumentException("table name must be at most " + JdbcCheckpointStore.MAX_TABLE_LENGTH
                        + " characters but was " + table.length() + ": '" + table + "'");
            }
            return new JdbcRangeResultStore(dataSource, table);
        }

        private static String identifier(String what, String value) {
            Objects.requireNonNull(value, what);
            if (!JdbcCheckpointStore.IDENTIFIER.matcher(value).matches()
                    || value.length() > JdbcCheckpointStore.MAX_TABLE_LENGTH) {
                throw new IllegalArgumentException(what + " must match " + JdbcCheckpointStore.IDENTIFIER.pattern()
                        + " (at most " + JdbcCheckpointStore.MAX_TABLE_LENGTH + " characters) but was '" + value
                        + "'");
            }
            return value;
        }
    }
}
