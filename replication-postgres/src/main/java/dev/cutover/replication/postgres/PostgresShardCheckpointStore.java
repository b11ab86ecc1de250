package dev.cutover.replication.postgres;

import dev.cutover.replication.spi.ShardCheckpointStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ShardCheckpointStore} in one PostgreSQL table: where a {@link PostgresChangeCapture}
 * keeps its offsets (one row per capture), in the source database, the target's or any other.
 *
 * <pre>{@code
 * ShardCheckpointStore checkpoints = PostgresShardCheckpointStore.builder(dataSource).build();
 * PostgresChangeCapture.builder(url, user, password).checkpoints(checkpoints) ...
 * }</pre>
 *
 * <p><b>Table</b> {@code cutover_capture_checkpoints} unless {@link Builder#table} says otherwise,
 * created if missing on first use ({@link #schemaStatements()} has the DDL for teams that
 * provision tables themselves): {@code shard_id} (primary key: {@link Shard#id()}), {@code
 * sequence_number}, {@code finished}, {@code owner_id}, {@code lease_until_ms} (epoch
 * milliseconds; instants are kept to the millisecond) and {@code updated_at_ms}.
 *
 * <p><b>Each method is one statement</b>: a lease is an {@code INSERT ... ON CONFLICT (shard_id) DO
 * UPDATE ... WHERE owner_id IS NULL OR owner_id = ? OR lease_until_ms < ?}, a checkpoint an {@code
 * UPDATE ... WHERE shard_id = ? AND owner_id = ?}; so racing processes agree without locks held
 * between calls, and exactly one of them gets a free shard. Thread-safe; every call borrows one
 * connection and returns it. Passes cutover-testkit's {@code ShardCheckpointStoreContract}.
 *
 * @since 0.2.0
 */
public final class PostgresShardCheckpointStore implements ShardCheckpointStore {
    private static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final String table;
    private volatile boolean created;

    private PostgresShardCheckpointStore(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
    }

    /** Starts configuring a store on {@code dataSource} (a PostgreSQL database). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    /** The DDL of the table, as run on first use. */
    public List<String> schemaStatements() {
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (shard_id TEXT PRIMARY KEY, sequence_number TEXT,"
                + " finished BOOLEAN NOT NULL DEFAULT FALSE, owner_id TEXT, lease_until_ms BIGINT NOT NULL,"
                + " updated_at_ms BIGINT NOT NULL)");
    }

    @Override
    public Optional<Checkpoint> lease(Shard shard, String owner, Instant now, Instant until) throws SQLException {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(owner, "owner");
        String sql = "INSERT INTO " + table + " AS t (shard_id, sequence_number, finished, owner_id, lease_until_ms,"
                + " updated_at_ms) VALUES (?, NULL, FALSE, ?, ?, ?) ON CONFLICT (shard_id) DO UPDATE SET"
                + " owner_id = EXCLUDED.owner_id, lease_until_ms = EXCLUDED.lease_until_ms,"
                + " updated_at_ms = EXCLUDED.updated_at_ms"
                + " WHERE t.owner_id IS NULL OR t.owner_id = EXCLUDED.owner_id OR t.lease_until_ms < ?"
                + " RETURNING sequence_number, finished, owner_id, lease_until_ms";
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, shard.id());
            ps.setString(2, owner);
            ps.setLong(3, until.toEpochMilli());
            ps.setLong(4, System.currentTimeMillis());
            ps.setLong(5, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(checkpoint(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public boolean checkpoint(Shard shard, String owner, String sequenceNumber, Instant until) throws SQLException {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        return update("sequence_number = ?, lease_until_ms = ?", shard, owner, ps -> {
            ps.setString(1, sequenceNumber);
            ps.setLong(2, until.toEpochMilli());
            return 3;
        });
    }

    @Override
    public boolean finish(Shard shard, String owner) throws SQLException {
        return update("finished = TRUE", shard, owner, ps -> 1);
    }

    @Override
    public void release(Shard shard, String owner) throws SQLException {
        update("owner_id = NULL, lease_until_ms = 0", shard, owner, ps -> 1);
    }

    @Override
    public Optional<Checkpoint> read(Shard shard) throws SQLException {
        Objects.requireNonNull(shard, "shard");
        try (Connection c = connection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT sequence_number, finished, owner_id, lease_until_ms FROM " + table
                                + " WHERE shard_id = ?")) {
            ps.setString(1, shard.id());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(checkpoint(rs)) : Optional.empty();
            }
        }
    }

    /** Sets the parameters from 1 on; returns the next parameter's index. */
    @FunctionalInterface
    private interface Parameters {
        int set(PreparedStatement ps) throws SQLException;
    }

    private boolean update(String set, Shard shard, String owner, Parameters parameters) throws SQLException {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(owner, "owner");
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + set
                        + ", updated_at_ms = ? WHERE shard_id = ? AND owner_id = ?")) {
            int next = parameters.set(ps);
            ps.setLong(next, System.currentTimeMillis());
            ps.setString(next + 1, shard.id());
            ps.setString(next + 2, owner);
            return ps.executeUpdate() == 1;
        }
    }

    private static Checkpoint checkpoint(ResultSet rs) throws SQLException {
        @Nullable String sequence = rs.getString(1);
        return new Checkpoint(sequence, rs.getBoolean(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
    }

    private Connection connection() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            if (!created) {
                createTable(c);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void createTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String ddl : schemaStatements()) {
                s.execute(ddl);
            }
        } catch (SQLException e) {
            // two processes creating it at once: one wins, the other sees a duplicate type or key
            if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                throw e;
            }
        }
        created = true;
    }

    @Override
    public String toString() {
        return "PostgresShardCheckpointStore[" + table + "]";
    }

    /**
     * Configures a {@link PostgresShardCheckpointStore}.
     *
     * <pre>{@code
     * PostgresShardCheckpointStore store = PostgresShardCheckpointStore.builder(dataSource)
     *     .table("orders_capture_checkpoints").build();
     * }</pre>
     *
     * @since 0.2.0
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String table = "cutover_capture_checkpoints";

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** The table (a lower-case letter, then up to 62 lower-case letters, digits or {@code _}). */
        public Builder table(String table) {
            Objects.requireNonNull(table, "table");
            if (!TABLE.matcher(table).matches()) {
                throw new IllegalArgumentException("checkpoint table must be a lower-case letter, then up to 62"
                        + " lower-case letters, digits or _, but was '" + table + "'");
            }
            this.table = table;
            return this;
        }

        /** The store; its table is created on first use if missing. */
        public PostgresShardCheckpointStore build() {
            return new PostgresShardCheckpointStore(dataSource, table);
        }
    }
}
