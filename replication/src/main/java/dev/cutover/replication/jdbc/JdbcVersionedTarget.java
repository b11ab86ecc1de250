package dev.cutover.replication.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.Change;
import dev.cutover.replication.internal.Keys;
import dev.cutover.replication.internal.PayloadJson;
import dev.cutover.replication.internal.jdbc.TargetReads;
import dev.cutover.replication.internal.jdbc.TargetReplace;
import dev.cutover.replication.internal.jdbc.TargetSql;
import dev.cutover.replication.internal.jdbc.VersionedApply;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.ReplaceOutcome;
import dev.cutover.replication.spi.SegmentScan;
import dev.cutover.replication.spi.VersionedTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link VersionedTarget} in one table on PostgreSQL, MySQL/MariaDB or H2: the new store of a
 * migration, or a copy of it that the observer, the backfill and the repair all write through.
 *
 * <pre>{@code
 * JdbcVersionedTarget target = JdbcVersionedTarget.builder(pool)
 *     .table("customers_v2")
 *     .segments(16)          // for backfill checks and reconciliation; default 8
 *     .batchSize(200)        // changes per round trip; default 100
 *     .build();              // detects the dialect, or .dialect(SqlDialect.POSTGRESQL)
 * target.createTableIfMissing();
 * List<ApplyOutcome> outcomes = target.apply(changes);   // APPLIED, SUPERSEDED or DUPLICATE each
 * }</pre>
 *
 * <p><b>Table.</b> {@code entity_key} ({@code VARBINARY(3072)} holding UTF-8 on MySQL, so keys
 * compare byte for byte), {@code bucket} (CRC-32C of the key's UTF-8 bytes modulo 1024, for
 * segments), {@code version}, {@code deleted} (a tombstone), the payload ({@code payload}: {@code
 * jsonb} on PostgreSQL, {@code JSON} on MySQL, {@code CLOB} on H2; or columns of your own, see
 * {@link JdbcPayloadColumns}), {@code applied_at} (when the row was last written, by this
 * process's clock, to the millisecond). On PostgreSQL the primary key is {@code (bucket,
 * entity_key)}, the table's only index: every statement of the target that finds a row by its key
 * gives the key's bucket too, so inserts and updates that move a row write one index entry, not
 * two. A query of your own by {@code entity_key} alone cannot use that index: give it the bucket
 * as well, or create an index on {@code (entity_key)} (which every write then maintains too). On
 * MySQL/MariaDB and H2 the primary key is {@code entity_key}, with an index {@code
 * <table>_segments} on {@code (bucket, entity_key)} ({@code (bucket)} on InnoDB, which appends the
 * key). {@link #createTableIfMissing()} creates them; {@link #schemaStatements()} shows the DDL,
 * and {@link #schemaResource(SqlDialect)} ships it for DBAs. PostgreSQL limits an index entry to
 * about 2,700 bytes, so it rejects keys longer than that in UTF-8. On PostgreSQL, {@link
 * Builder#fillFactor(int)} leaves free space on every page for updates in place.
 *
 * <p><b>Apply.</b> A change lands only if its version is greater than the stored one, tombstones
 * included, by a conditional write: on PostgreSQL {@code INSERT ... ON CONFLICT (bucket, entity_key) DO
 * UPDATE ... WHERE cur.version < EXCLUDED.version} (with the default JSON payload column, a plain
 * {@code INSERT} of the batch first while batches bring only new keys: it lands whole or writes
 * nothing; and while batches meet mostly stored keys, an {@code UPDATE ... FROM unnest(...) WHERE
 * version < u.version} first, which also reads the versions of the keys it does not write, so
 * updates and redelivered changes take one statement and the upsert gets only the keys left),
 * elsewhere {@code UPDATE ... WHERE version < ?} plus an {@code INSERT} that fails on a key
 * created meanwhile. Changes go in chunks of the
 * batch size, cut into runs of consecutive distinct keys; each run is one statement (PostgreSQL)
 * or one short transaction holding a JDBC batch of updates and one multi-row insert, and lands
 * whole or not at all, so when {@link #apply} throws, a prefix of the batch has landed. Every
 * change gets its own outcome, in input order, also when a batch holds a key more than once and
 * when other processes apply the same changes at the same time (exactly one of them is told
 * {@link ApplyOutcome#APPLIED}). Keys with a NUL character or a broken surrogate pair, and on
 * PostgreSQL payloads with a NUL character, are rejected with an {@link IllegalArgumentException}
 * naming the change before anything is written. Payloads round-trip exactly (with the default
 * JSON column and mapper): an integer comes back as a {@code long} ({@code BigInteger} beyond),
 * a decimal as the same {@code BigDecimal} ({@code 12345678901234567.89}, not a {@code double}),
 * nested objects, arrays and Unicode text as written. MySQL's own {@code JSON} type (unlike
 * MariaDB's, which is text) stores fractions as binary doubles, so there use {@link
 * JdbcPayloadColumns} of your own for decimals beyond 15 significant digits.
 *
 * <p><b>Same-version drift.</b> {@link #replaceIfUnchanged} overwrites a row at the same version
 * only while it still holds the content a reconciliation saw: in one transaction, a {@code SELECT
 * ... FOR UPDATE} of the row, its content digest compared in Java, and an {@code UPDATE ... WHERE
 * version = ?} under the row's lock.
 *
 * <p><b>Tombstones and the horizon.</b> A delete keeps the row with {@code deleted = TRUE} and the
 * delete's version, so a late upsert, a duplicate or a backfilled row with a lower version cannot
 * resurrect the key. {@link #purgeTombstones(Instant)} removes tombstones applied before a
 * horizon; a change older than a purged tombstone would resurrect its key, so choose the horizon
 * longer than the longest time any change can still arrive after its delete was applied: the
 * maximum delay of the event stream (queue retention, consumer lag, retries, dead letters
 * replayed), plus the longest backfill or repair run (which reads rows at their old versions), plus
 * a margin for clock skew between processes. For example, with a 4-day queue retention and
 * backfills of a day, purge weekly what is older than 7 days. Purging reads the table bucket by
 * bucket, in transactions of 128 buckets: run it off-peak.
 *
 * <p><b>Segments.</b> Segment {@code s} of {@code n} holds the buckets {@code [s * 1024 / n, (s +
 * 1) * 1024 / n)}; a page is one index range read in {@code (bucket, entity_key)} order and the
 * token is the last key read, checked to belong to the segment. Tombstones are read as deletes.
 * Since the bucket is a hash of the key, consecutive rows of a page lie on different heap pages of
 * a table written in key order (as a backfill writes it): a page of 1,000 rows touches about 1,000
 * of them. A {@link dev.cutover.replication.Reconciler} therefore reads the table on PostgreSQL by
 * {@link #scan}, one statement per run of segments without {@code ORDER BY} (see {@link
 * SegmentScan}), which the server serves by a sequential scan, in the order the rows lie.
 *
 * <p><b>Custom schema.</b> To keep the payload in columns of your own, pass {@link
 * JdbcPayloadColumns}: the target keeps its bookkeeping columns and all conditional SQL.
 *
 * <p><b>Threads and connections.</b> Thread-safe and lock-free in Java; any number of processes may
 * apply at once. Each call borrows one connection and gives it back with the auto-commit mode it
 * was lent with; statements run in auto-commit, except a run's updates and insert, which share
 * one short transaction. Rows are written in key order, and a run rolled back by a deadlock or
 * lock timeout is retried (it wrote nothing). Give the target a plain pool, not a transaction-aware
 * proxy joining the application's transactions.
 *
 * @since 0.1.0
 */
public final class JdbcVersionedTarget implements VersionedTarget, SegmentScan {
    /** Table names: a lower-case letter, then up to 47 lower-case letters, digits or {@code _}. */
    public static final Pattern TABLE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    /** Payload column names: a lower-case letter, then lower-case letters, digits or {@code _}. */
    static final Pattern COLUMN_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private static final Set<String> OWN_COLUMNS = Set.of("entity_key", "bucket", "version", "deleted", "applied_at");
    /** Most changes per round: keeps every statement far below each database's parameter limit. */
    public static final int MAX_BATCH_SIZE = 1000;

    private final DataSource dataSource;
    private final String table;
    private final int segments;
    private final TargetSql sql;
    private final VersionedApply applier;
    private final TargetReads reads;
    private final TargetReplace replacer;

    private JdbcVersionedTarget(Builder b, SqlDialect dialect, String table) {
        this.dataSource = b.dataSource;
        this.table = table;
        this.segments = b.segments;
        JdbcPayloadColumns payload =
                b.payloadColumns != null ? b.payloadColumns : JdbcPayloadColumns.json("payload", b.mapper);
        if (b.fillFactor != 100 && dialect != SqlDialect.POSTGRESQL) {
            throw new IllegalArgumentException("fillFactor(" + b.fillFactor + ") is for PostgreSQL only, but the"
                    + " database is " + dialect.name().toLowerCase(Locale.ROOT));
        }
        this.sql = new TargetSql(dialect, table, payload, b.fillFactor);
        this.applier = new VersionedApply(dataSource, sql, b.batchSize, b.clock);
        this.reads = new TargetReads(dataSource, sql, segments);
        this.replacer = new TargetReplace(dataSource, sql, reads, b.clock);
    }

    /** Starts configuring a target over a data source (ideally a connection pool). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The dialect in use, detected or set. */
    public SqlDialect dialect() {
        return sql.dialect;
    }

    /** The table name. */
    public String table() {
        return table;
    }

    /** The DDL {@link #createTableIfMissing()} runs, one statement per element. */
    public List<String> schemaStatements() {
        return sql.schema(table);
    }

    /**
     * The classpath resource with a dialect's DDL of the table for the example name {@code
     * versioned_entities}, for example {@code /dev/cutover/replication/schema/postgresql.sql}.
     */
    public static String schemaResource(SqlDialect dialect) {
        return "/dev/cutover/replication/schema/" + dialect.name().toLowerCase(Locale.ROOT) + ".sql";
    }

    /**
     * Creates the table (and, on MySQL/MariaDB and H2, its segment index) if they do not exist. Safe to call on every start,
     * also from several processes at once: if another wins the race, the error is ignored once the
     * table answers a read.
     */
    public void createTableIfMissing() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(true);
            try {
                for (String ddl : schemaStatements()) {
                    s.execute(ddl);
                }
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            try {
                read("cutover-schema-probe");
            } catch (SQLException probe) {
                e.addSuppressed(probe);
                throw e;
            }
        }
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws SQLException {
        return applier.apply(changes);
    }

    /**
     * Replaces a live row at {@code expectedVersion} whose content digest is {@code expectedDigest}:
     * one transaction reads the row with {@code SELECT ... FOR UPDATE}, compares its digest in Java,
     * and updates it {@code WHERE version = ?}; the row's lock keeps every other write out between
     * the comparison and the update. See {@link VersionedTarget#replaceIfUnchanged}.
     */
    @Override
    public ReplaceOutcome replaceIfUnchanged(long expectedVersion, String expectedDigest, Change row)
            throws SQLException {
        VersionedTarget.checkReplacement(expectedVersion, expectedDigest, row);
        return replacer.replaceIfUnchanged(expectedVersion, expectedDigest, row);
    }

    @Override
    public Optional<Change> read(String key) throws SQLException {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > Change.MAX_KEY_LENGTH || Keys.unstorable(key) != null) {
            return Optional.empty(); // no change with such a key can have been applied
        }
        return reads.read(key);
    }

    @Override
    public long purgeTombstones(Instant appliedBefore) throws SQLException {
        return reads.purge(Objects.requireNonNull(appliedBefore, "appliedBefore"));
    }

    @Override
    public int segments() {
        return segments;
    }

    /**
     * {@code "crc-32c buckets of 1024, <n> segments"}: a key's segment is the range of buckets its
     * {@code bucket} column falls in, so the layout depends on the segment count only.
     */
    @Override
    public String layout() {
        return "crc-32c buckets of " + Keys.BUCKETS + ", " + segments + " segments";
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws SQLException {
        if (segment < 0 || segment >= segments) {
            throw new IllegalArgumentException("segment must be 0 to " + (segments - 1) + " but was " + segment);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        return reads.page(segment, token, limit);
    }

    /** True on PostgreSQL; MySQL/MariaDB and H2 are read page by page. */
    @Override
    public boolean scans() {
        return sql.dialect == SqlDialect.POSTGRESQL;
    }

    /**
     * Reads segments {@code from} to {@code to} in one statement without {@code ORDER BY}, fetched
     * by a cursor in one read-only transaction: a sequential scan of the table for all segments, a
     * bitmap scan for some. See {@link SegmentScan}.
     *
     * @throws UnsupportedOperationException on MySQL/MariaDB and H2
     */
    @Override
    public void scan(int from, int to, int limit, SegmentScan.Pages pages) throws SQLException, InterruptedException {
        if (!scans()) {
            throw new UnsupportedOperationException(describe() + " is read page by page");
        }
        if (from < 0 || to > segments || from > to) {
            throw new IllegalArgumentException(
                    "segments must be 0 <= from <= to <= " + segments + " but were " + from + " to " + to);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        Objects.requireNonNull(pages, "pages");
        if (from < to) {
            reads.scan(from, to, limit, pages);
        }
    }

    @Override
    public String describe() {
        return "JDBC target " + table + " (" + sql.dialect.name().toLowerCase(Locale.ROOT) + ", " + segments
                + " segments)";
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Configures a {@link JdbcVersionedTarget}; each setting is checked when set, naming a bad value.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final DataSource dataSource;
        private @Nullable String table;
        private @Nullable SqlDialect dialect;
        private int segments = 8;
        private int batchSize = 100;
        private Clock clock = Clock.systemUTC();
        private ObjectMapper mapper = PayloadJson.MAPPER;
        private @Nullable JdbcPayloadColumns payloadColumns;
        private int fillFactor = 100;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The table (required): must match {@link #TABLE_NAME}; it is quoted in SQL. */
        public Builder table(String name) {
            Objects.requireNonNull(name, "table");
            if (!TABLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "table must match " + TABLE_NAME.pattern() + " but was '" + name + "'");
            }
            this.table = name;
            return this;
        }

        /** Sets the dialect instead of detecting it; {@link #build()} then opens no connection. */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /** How many segments {@link #readPage(int, String, int)} splits the table into: 1 to 1024; default 8. */
        public Builder segments(int segments) {
            if (segments < 1 || segments > Keys.BUCKETS) {
                throw new IllegalArgumentException("segments must be 1 to " + Keys.BUCKETS + " but was " + segments);
            }
            this.segments = segments;
            return this;
        }

        /** Changes per statement or JDBC batch: 1 to {@value #MAX_BATCH_SIZE}; default 100. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
                throw new IllegalArgumentException(
                        "batchSize must be 1 to " + MAX_BATCH_SIZE + " but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The clock of {@code applied_at}, which the tombstone horizon is compared with; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The mapper of the default JSON payload column. The default reads payloads back exactly as
         * written: integers as {@code long} (a {@code BigInteger} beyond), numbers with a fraction or
         * an exponent as {@code BigDecimal} with their scale, never a {@code double}. A mapper given
         * here is used as it is.
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "objectMapper");
            return this;
        }

        /** Payload columns of your own instead of the one JSON column {@code payload}; checked here. */
        public Builder payloadColumns(JdbcPayloadColumns columns) {
            Objects.requireNonNull(columns, "payloadColumns");
            List<String> names = Objects.requireNonNull(columns.columns(), "payloadColumns.columns()");
            if (names.isEmpty()) {
                throw new IllegalArgumentException("payloadColumns must name at least one column but named none");
            }
            Set<String> seen = new HashSet<>();
            for (String name : names) {
                if (name == null
                        || !COLUMN_NAME.matcher(name).matches()
                        || OWN_COLUMNS.contains(name)
                        || !seen.add(name)) {
                    throw new IllegalArgumentException("payload column names must match " + COLUMN_NAME.pattern()
                            + ", be distinct and not be one of " + OWN_COLUMNS + " but were " + names);
                }
            }
            this.payloadColumns = columns;
            return this;
        }

        /**
         * PostgreSQL only: the table's {@code fillfactor} in percent, 10 to 100; default 100
         * (PostgreSQL's own default, and nothing is added to the DDL). It takes effect when {@link
         * #createTableIfMissing()} creates the table (on a table that exists, use {@code ALTER TABLE
         * ... SET (fillfactor = n)}, which applies to pages written afterwards).
         *
         * <p>Below 100, inserts leave that share of every page free, so an update can write the new
         * version of a row on the row's own page without new index entries (a HOT update: none of
         * the columns an update writes is indexed), which is cheaper than an update that moves the
         * row. The cost: the table takes about {@code 100 / n} times the space when filled by
         * inserts, and a scan reads that many more pages; only as many rows as fit in the free space
         * are updated in place before a vacuum frees the old versions. Worth it for a table whose
         * rows are updated often, not for one that is mostly filled once (a backfill). Building a
         * target for another database with a value other than 100 fails.
         */
        public Builder fillFactor(int percent) {
            if (percent < 10 || percent > 100) {
                throw new IllegalArgumentException("fillFactor must be 10 to 100 but was " + percent);
            }
            this.fillFactor = percent;
            return this;
        }

        /**
         * Builds the target. Without an explicit dialect this borrows one connection to detect it.
         *
         * @throws IllegalStateException when no table was set
         * @throws IllegalArgumentException when the database is not supported, or a {@link
         *     #fillFactor(int)} was set for another database than PostgreSQL
         */
        public JdbcVersionedTarget build() throws SQLException {
            if (table == null) {
                throw new IllegalStateException("table(...) was not set");
            }
            return new JdbcVersionedTarget(this, SqlDialect.setOrDetect(dialect, dataSource), table);
        }
    }
}
