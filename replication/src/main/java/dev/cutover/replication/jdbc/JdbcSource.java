package dev.cutover.replication.jdbc;

import dev.cutover.replication.BackfillException;
import dev.cutover.replication.Change;
import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.replication.internal.Keys;
import dev.cutover.replication.internal.SegmentLayouts;
import dev.cutover.replication.internal.jdbc.SourceKeys;
import dev.cutover.replication.internal.jdbc.SourcePages;
import dev.cutover.replication.internal.jdbc.SourceSql;
import dev.cutover.replication.spi.SegmentedSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SegmentedSource} over a table or query of an old relational store, for the backfill
 * and reconciliation. Rows become upserts keyed by one column.
 *
 * <pre>{@code
 * JdbcSource customers = JdbcSource.builder(oldPool)
 *     .table("customers")                 // or .query("SELECT id, name, rev FROM customers WHERE active")
 *     .keyColumn("id")
 *     .versionColumn("rev")               // or .stampWith(clock): a version at read time
 *     .segments(16)                       // boundaries computed once, at build()
 *     .build();
 * List<String> boundaries = customers.boundaries();  // keep these with the backfill, for every process
 *                                                    // and every restart:
 * JdbcSource same = JdbcSource.builder(oldPool).table("customers").keyColumn("id")
 *     .versionColumn("rev").boundaries(boundaries).build();
 * }</pre>
 *
 * <p><b>Resuming a backfill</b> needs the same boundaries: segments done or begun are ranges
 * between the boundaries of the source that started the backfill, and boundaries computed again
 * after live writes moved the data differ, so the same segment numbers would cover other keys.
 * Compute them once when the backfill starts, store them next to its checkpoints (a config map, a
 * table), and build every process's source, including restarted ones, with {@link
 * Builder#boundaries}. The checkpoints record the source's {@link #layout()}, a digest of its
 * boundaries, when the backfill starts; a backfill run with a source of other boundaries fails
 * before it copies anything, with a {@link BackfillException} naming both layouts. To copy with
 * new boundaries instead, start over with new checkpoints (another backfill name). A token, too,
 * carries a fingerprint of the boundaries, and a source with other boundaries refuses it.
 *
 * <p><b>Segments</b> are ranges of the key: {@code n} segments have {@code n - 1} boundary keys,
 * computed at {@link Builder#build()} from the data (a count, then one {@code ORDER BY key LIMIT 1
 * OFFSET step} read per boundary, each from the previous one: the key index is walked about twice)
 * or given with {@link Builder#boundaries}. A small table may get fewer segments than asked (the
 * boundaries are distinct). Every page is one range read on the key's index, {@code WHERE key > ?
 * AND key < ? ORDER BY key LIMIT ?}, so the key column must be unique and indexed (a primary key
 * is both); it may be an integer, {@code DECIMAL} without fraction, character or UUID column.
 * Processes sharing segments must use the same boundaries, as a token carries a fingerprint of
 * them: it is {@code "<segment>:<fingerprint>:<last key>"}, and a token of another segment or
 * other boundaries is rejected. Comparisons use the database's collation, so case-insensitive
 * collations work.
 *
 * <p><b>Versions.</b> With {@link Builder#versionColumn} each row carries its own (an integer
 * column). Without one, {@link Builder#stampWith} stamps each row read with the clock's next
 * value: a live change stamped later by the same clock (or a synchronized one) wins over the row,
 * one stamped earlier loses, which is right as the row already includes it. So stamp with the
 * observer's clock, and start the observer before the backfill.
 *
 * <p><b>Rejections.</b> A row whose version is NULL, below 1 or not an integer, whose key is longer
 * than {@value Change#MAX_KEY_LENGTH} characters or not storable, or whose payload the {@link
 * JdbcRowMapper} cannot read (it throws, or returns null) is not migrated, and reported: returned
 * in the page's {@link SegmentedSource.Page#rejected()} with its key and the reason (so a backfill
 * counts and lists it, and a reconciliation reports it as not migrated), logged at WARN, counted
 * ({@link #rejectedCount()}) and handed to the listener. A failure of the read itself (the
 * connection, SQLSTATE class 08, a transient error) fails the page instead. Rows with a NULL key are
 * never reached by keyset reads: {@link Builder#build()} counts them ({@link #nullKeyRows()}) and
 * logs a WARN when there are any.
 *
 * <p><b>Safety.</b> Table and column names must match {@link #IDENTIFIER}, optionally qualified
 * by a schema ({@code sales.customers}), and are used unquoted, so they resolve as the database
 * resolves your own unquoted names; a query is your own SQL, wrapped as {@code (query) AS src}.
 * Every value is a bound parameter. Thread-safe: each read borrows its own connection.
 *
 * @since 0.1.0
 */
public final class JdbcSource implements SegmentedSource {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSource.class);
    /** Table and column names: a letter or {@code _}, then letters, digits or {@code _}. */
    public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /**
     * One rejected row.
     *
     * @param key the row's key as read
     * @param reason why, without the row's data
     * @since 0.1.0
     */
    public record Rejection(String key, String reason) {
        @Override
        public String toString() {
            return "row " + Keys.escape(key) + ": " + reason;
        }
    }

    private final String description;
    private final List<String> boundaries;
    private final String layout;
    private final long nullKeyRows;
    private final SourcePages pages;
    private final AtomicLong rejected = new AtomicLong();
    private final Consumer<Rejection> listener;

    private JdbcSource(Builder b, SourceSql sql, SourceKeys kind, List<String> boundaries, long nullKeyRows) {
        this.description = "JDBC source " + b.from + " by " + b.keyColumn;
        this.boundaries = List.copyOf(boundaries);
        this.layout = "jdbc key ranges, " + (this.boundaries.size() + 1) + " segments, boundaries sha-256 "
                + SegmentLayouts.digest(this.boundaries);
        this.nullKeyRows = nullKeyRows;
        this.listener = b.listener;
        this.pages = new SourcePages(
                b.dataSource,
                sql,
                kind,
                this.boundaries,
                b.from + "/" + b.keyColumn,
                b.keyColumn,
                b.versionColumn,
                b.clock,
                b.rowMapper,
                this::reject);
    }

    /** Starts configuring a source over a data source of the old store. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The boundary keys between segments, ascending: give them to other processes reading the same segments. */
    public List<String> boundaries() {
        return boundaries;
    }

    /** Rows with a NULL key, counted at build: no segment returns them. */
    public long nullKeyRows() {
        return nullKeyRows;
    }

    /** Rows rejected so far, counting a row again each time it is read. */
    public long rejectedCount() {
        return rejected.get();
    }

    @Override
    public int segments() {
        return boundaries.size() + 1;
    }

    /**
     * {@code "jdbc key ranges, <n> segments, boundaries sha-256 <16 hex digits>"}: the digest of the
     * {@link #boundaries()}, so two sources have the same layout exactly when they have the same
     * boundaries (whatever their table, query or settings). A backfill's checkpoints record it, and
     * refuse a resumed source whose boundaries were computed again and differ.
     */
    @Override
    public String layout() {
        return layout;
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws SQLException {
        if (segment < 0 || segment >= segments()) {
            throw new IllegalArgumentException("segment must be 0 to " + (segments() - 1) + " but was " + segment);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        return pages.readPage(segment, token, limit);
    }

    private void reject(String key, String reason) {
        Rejection r = new Rejection(key, reason);
        rejected.incrementAndGet();
        LOG.warn("{}: rejected {}", description, r);
        listener.accept(r);
    }

    @Override
    public String describe() {
        return description + " (" + segments() + " segments)";
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Configures a {@link JdbcSource}; each setting is checked when set, naming a bad value. A table
     * or query, a key column and a version (column or clock) are required.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private static final Pattern QUALIFIED =
                Pattern.compile(IDENTIFIER.pattern() + "(\\." + IDENTIFIER.pattern() + ")?");
        private final DataSource dataSource;
        private @Nullable String from;
        private @Nullable String keyColumn;
        private @Nullable String versionColumn;
        private @Nullable HybridLogicalClock clock;
        private JdbcRowMapper rowMapper = JdbcRowMapper.allColumns();
        private int segments = 8;
        private @Nullable List<String> boundaries;
        private Consumer<Rejection> listener = r -> {};

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** Reads this table (optionally {@code schema.table}). */
        public Builder table(String table) {
            Objects.requireNonNull(table, "table");
            if (!QUALIFIED.matcher(table).matches()) {
                throw new IllegalArgumentException(
                        "table must match " + QUALIFIED.pattern() + " but was '" + table + "'");
            }
            this.from = table;
            return this;
        }

        /** Reads the rows of this query (your own SQL: a {@code SELECT} without {@code ORDER BY} or {@code LIMIT}). */
        public Builder query(String select) {
            Objects.requireNonNull(select, "query");
            String trimmed = select.strip();
            if (!trimmed.regionMatches(true, 0, "SELECT", 0, 6) || trimmed.contains(";")) {
                throw new IllegalArgumentException("query must be one SELECT statement but was '" + trimmed + "'");
            }
            this.from = "(" + trimmed + ") src";
            return this;
        }

        /** The unique, indexed key column (required). */
        public Builder keyColumn(String column) {
            this.keyColumn = column(column, "keyColumn");
            return this;
        }

        /** An integer column holding each row's version, at least 1. */
        public Builder versionColumn(String column) {
            this.versionColumn = column(column, "versionColumn");
            this.clock = null;
            return this;
        }

        /** Stamps each row read with {@code clock}'s next value instead of reading a version. */
        public Builder stampWith(HybridLogicalClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.versionColumn = null;
            return this;
        }

        /** How each row becomes a payload; default {@link JdbcRowMapper#allColumns()}. */
        public Builder rowMapper(JdbcRowMapper mapper) {
            this.rowMapper = Objects.requireNonNull(mapper, "rowMapper");
            return this;
        }

        /** How many segments to compute boundaries for: 1 to 4096; default 8. */
        public Builder segments(int segments) {
            if (segments < 1 || segments > 4096) {
                throw new IllegalArgumentException("segments must be 1 to 4096 but was " + segments);
            }
            this.segments = segments;
            return this;
        }

        /** Boundaries computed before ({@link JdbcSource#boundaries()}), instead of computing them. */
        public Builder boundaries(List<String> keys) {
            List<String> copy = List.copyOf(Objects.requireNonNull(keys, "boundaries"));
            if (copy.size() >= 4096 || copy.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("boundaries must be up to 4095 non-empty keys but were "
                        + copy.size() + " keys" + (copy.stream().anyMatch(String::isEmpty) ? ", one empty" : ""));
            }
            this.boundaries = copy;
            return this;
        }

        /** Called for each rejected row, on the reading thread; it must not throw. */
        public Builder onRejection(Consumer<Rejection> listener) {
            this.listener = Objects.requireNonNull(listener, "onRejection");
            return this;
        }

        /**
         * Checks the key column's type, counts rows with a NULL key and, unless given, computes the
         * boundaries.
         *
         * @throws IllegalStateException when the table, key or version is missing
         * @throws IllegalArgumentException when the key column's type is not supported, or given
         *     boundaries do not fit it
         */
        public JdbcSource build() throws SQLException {
            if (from == null || keyColumn == null) {
                throw new IllegalStateException(
                        (from == null ? "table(...) or query(...)" : "keyColumn(...)") + " was not set");
            }
            if (versionColumn == null && clock == null) {
                throw new IllegalStateException("versionColumn(...) or stampWith(...) was not set");
            }
            SourceSql sql = new SourceSql(from, keyColumn);
            try (Connection c = dataSource.getConnection()) {
                SourceKeys kind = sql.keys(c);
                if (kind == null) {
                    throw new IllegalArgumentException(
                            "key column " + keyColumn + " of " + from
                                    + " has a type keys cannot be read from; supported: integer, DECIMAL without fraction, character, UUID");
                }
                if (boundaries != null && !boundaries.stream().allMatch(kind::accepts)) {
                    throw new IllegalArgumentException(
                            "boundaries " + boundaries + " are not all keys of a " + kind + " column");
                }
                List<String> b = boundaries != null ? boundaries : sql.boundaries(c, kind, segments);
                long nulls = sql.nullKeys(c);
                if (nulls > 0) {
                    LOG.warn("{} has {} rows with a NULL {}: keyset reads never return them", from, nulls, keyColumn);
                }
                return new JdbcSource(this, sql, kind, b, nulls);
            }
        }

        private static String column(String column, String setting) {
            Objects.requireNonNull(column, setting);
            if (!IDENTIFIER.matcher(column).matches()) {
                throw new IllegalArgumentException(
                        setting + " must match " + IDENTIFIER.pattern() + " but was '" + column + "'");
            }
            return column;
        }
    }
}
