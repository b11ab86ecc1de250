package dev.cutover.replication.jdbc;

import dev.cutover.replication.internal.SegmentLayouts;
import dev.cutover.replication.internal.jdbc.CheckpointSql;
import dev.cutover.replication.internal.jdbc.CheckpointTable;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.SegmentedSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link CheckpointStore} in a table on PostgreSQL, MySQL/MariaDB or H2, one table per backfill:
 * a killed backfill resumes from it, and every process copying the same source shares its
 * segments through it. Needs only {@code java.sql}.
 *
 * <pre>{@code
 * JdbcCheckpointStore checkpoints = JdbcCheckpointStore.builder(dataSource, "orders_v2").build();
 * Backfill.from(source).to(target).checkpoints(checkpoints).owner(podName).build().run();
 * }</pre>
 *
 * <p><b>Table</b> {@code <prefix><backfill>} ({@code cutover_backfill_orders_v2} above), created
 * if missing by {@link #prepare}: one row per segment with {@code segment_no} (primary key),
 * {@code total_segments}, {@code source_layout}, {@code owner_id}, {@code claim_id}, {@code
 * lease_until_ms}, {@code resume_token}, {@code rows_read}, {@code is_done}, {@code revision} and
 * {@code updated_at_ms}. Teams that provision tables themselves find the DDL in {@link
 * #schemaStatements()}. To copy a source again from the start, use another backfill name (or drop
 * the table).
 *
 * <p><b>Layout.</b> Every row records the segment count and the {@link SegmentedSource#layout()}
 * of the source the backfill started with; {@link #prepare} refuses a source with another count
 * or layout, naming both, before anything is copied (see {@link CheckpointStore}). Segment 0's row
 * is inserted first and fixes them, so processes preparing at once for the first time agree. A
 * table created before {@code source_layout} existed (a 0.1.0 snapshot) fails on the missing
 * column: drop it and start over, or add the column with the layout the backfill started with.
 *
 * <p><b>Claims</b> are one conditional {@code UPDATE ... WHERE segment_no = ? AND is_done = FALSE
 * AND (owner_id IS NULL OR lease_until_ms <= now OR owner_id = ?)} setting a fresh random {@code
 * claim_id}; saves and the done mark are {@code UPDATE ... WHERE claim_id = ? AND lease_until_ms >
 * now}. So exactly one process holds a segment at a time, a process whose lease expired cannot
 * write its checkpoint any more, and nothing holds a lock between calls. Times are the store's
 * {@link Clock} in epoch milliseconds (the system clock unless set): keep the clocks of the
 * processes synchronized and the lease far longer than their skew.
 *
 * <p><b>Connections.</b> Thread-safe, without locks. Every call borrows one connection and returns
 * it before returning; work done on a connection lent with auto-commit off is committed. Names are
 * checked against {@link #IDENTIFIER}; every value is a bound parameter.
 *
 * @since 0.1.0
 */
public final class JdbcCheckpointStore implements CheckpointStore {
    /** Backfill names and table prefixes: a lower-case letter, then lower-case letters, digits, {@code _}. */
    public static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]*");
    /** Longest table name (prefix plus backfill name): PostgreSQL's limit. */
    public static final int MAX_TABLE_LENGTH = 63;
    /** Longest owner accepted, in {@code char}s. */
    public static final int MAX_OWNER_LENGTH = 200;
    /** Longest resume token accepted, in {@code char}s; a longer one is rejected, never cut. */
    public static final int MAX_TOKEN_LENGTH = 16_000;

    private final CheckpointSql sql;
    private final CheckpointTable table;
    private final Clock clock;

    private JdbcCheckpointStore(DataSource dataSource, String table, Clock clock) {
        this.sql = new CheckpointSql(table);
        this.table = new CheckpointTable(dataSource, sql, MAX_OWNER_LENGTH, MAX_TOKEN_LENGTH);
        this.clock = clock;
    }

    /** Starts configuring the checkpoints of backfill {@code backfill} over a data source. */
    public static Builder builder(DataSource dataSource, String backfill) {
        return new Builder(dataSource, backfill);
    }

    /** The table's name. */
    public String table() {
        return sql.table;
    }

    /** The DDL {@link #prepare} runs, for review; borrows a connection to detect the dialect. */
    public List<String> schemaStatements() throws SQLException {
        return table.schema();
    }

    @Override
    public void prepare(int segments, String layout) throws SQLException {
        if (segments < 1) {
            throw new IllegalArgumentException("segments must be >= 1 but was " + segments);
        }
        table.prepare(segments, SegmentLayouts.check(layout), clock.millis());
    }

    /** {@inheritDoc} Also empty when the table does not exist yet. */
    @Override
    public Optional<String> layout() throws SQLException {
        return table.layout();
    }

    @Override
    public List<Integer> claimable(String owner, int limit) throws SQLException {
        checkOwner(owner);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        return table.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.claimable)) {
                ps.setLong(1, clock.millis());
                ps.setString(2, owner);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Integer> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(rs.getInt(1));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public Optional<CheckpointClaim> claim(int segment, String owner, Duration lease) throws SQLException {
        checkOwner(owner);
        Objects.requireNonNull(lease, "lease");
        String claimId = UUID.randomUUID().toString();
        return table.call(c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement(sql.claim)) {
                ps.setString(1, owner);
                ps.setString(2, claimId);
                ps.setLong(3, now + lease.toMillis());
                ps.setLong(4, now);
                ps.setInt(5, segment);
                ps.setLong(6, now);
                ps.setString(7, owner);
                if (ps.executeUpdate() != 1) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(sql.claimed)) {
                ps.setInt(1, segment);
                ps.setString(2, claimId);
                try (ResultSet rs = ps.executeQuery()) {
                    // no row: another owner took the segment over between the two statements
                    return rs.next()
                            ? Optional.of(new CheckpointClaim(segment, owner, claimId, rs.getString(1), rs.getLong(2)))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean save(CheckpointClaim claim, String token, long rows, Duration lease) throws SQLException {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(lease, "lease");
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("resume token of segment " + claim.segment() + " must be at most "
                    + MAX_TOKEN_LENGTH + " characters but was " + token.length());
        }
        return table.call(c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement(sql.save)) {
                ps.setString(1, token);
                ps.setLong(2, rows);
                ps.setLong(3, now + lease.toMillis());
                ps.setLong(4, now);
                ps.setInt(5, claim.segment());
                ps.setString(6, claim.claimId());
                ps.setLong(7, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean markDone(CheckpointClaim claim, long rows) throws SQLException {
        return table.call(c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement(sql.done)) {
                ps.setLong(1, rows);
                ps.setLong(2, now);
                ps.setInt(3, claim.segment());
                ps.setString(4, claim.claimId());
                ps.setLong(5, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void release(CheckpointClaim claim) throws SQLException {
        table.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.release)) {
                ps.setLong(1, clock.millis());
                ps.setInt(2, claim.segment());
                ps.setString(3, claim.claimId());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<Checkpoint> checkpoints() throws SQLException {
        return table.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.all);
                    ResultSet rs = ps.executeQuery()) {
                List<Checkpoint> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Checkpoint(
                            rs.getInt(1),
                            rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3)),
                            rs.getString(4),
                            rs.getLong(5),
                            rs.getBoolean(6)));
                }
                return out;
            }
        });
    }

    private static void checkOwner(String owner) {
        Objects.requireNonNull(owner, "owner");
        if (owner.isEmpty() || owner.length() > MAX_OWNER_LENGTH) {
            throw new IllegalArgumentException(
                    "owner must be 1 to " + MAX_OWNER_LENGTH + " characters but was " + owner.length());
        }
    }

    @Override
    public String describe() {
        return "JDBC checkpoints in " + sql.table;
    }

    /**
     * Configures a {@link JdbcCheckpointStore}. Each setting is checked when set, naming a bad value.
     *
     * <pre>{@code
     * JdbcCheckpointStore store = JdbcCheckpointStore.builder(pool, "orders_v2")
     *     .tablePrefix("migration_")   // table migration_orders_v2
     *     .build();
     * }</pre>
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final DataSource dataSource;
        private final String backfill;
        private String prefix = "cutover_backfill_";
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource, String backfill) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.backfill = identifier("backfill name", backfill);
        }

        /** Prefix of the table name; default {@code cutover_backfill_}. Must match {@link #IDENTIFIER}. */
        public Builder tablePrefix(String prefix) {
            this.prefix = identifier("tablePrefix", prefix);
            return this;
        }

        /** The clock leases are judged by; the system clock unless set (tests set their own). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the store; opens no connection.
         *
         * @throws IllegalArgumentException when prefix and name together exceed {@link #MAX_TABLE_LENGTH}
         */
        public JdbcCheckpointStore build() {
            String table = prefix + backfill;
            if (table.length() > MAX_TABLE_LENGTH) {
                throw new IllegalArgumentException("table name must be at most " + MAX_TABLE_LENGTH
                        + " characters but was " + table.length() + ": '" + table + "'");
            }
            return new JdbcCheckpointStore(dataSource, table, clock);
        }

        private static String identifier(String what, String value) {
            Objects.requireNonNull(value, what);
            if (!IDENTIFIER.matcher(value).matches() || value.length() > MAX_TABLE_LENGTH) {
                throw new IllegalArgumentException(what + " must match " + IDENTIFIER.pattern() + " (at most "
                        + MAX_TABLE_LENGTH + " characters) but was '" + value + "'");
            }
            return value;
        }
    }
}
