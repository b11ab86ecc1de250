package dev.cutover.flags.jdbc;

import static dev.cutover.flags.jdbc.FlagInputs.checkAudit;
import static dev.cutover.flags.jdbc.FlagInputs.requireKey;

import dev.cutover.flags.Flag;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.jdbc.internal.PgNotificationListener;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.ChangeHints;
import dev.cutover.flags.spi.FlagStoreException;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link WritableFlagStore} on PostgreSQL, MySQL/MariaDB or H2, and the {@link HeartbeatStore} of
 * its fleet.
 *
 * <pre>{@code
 * JdbcFlagStore store = JdbcFlagStore.builder(dataSource).tablePrefix("cutover_").build();
 * store.createSchemaIfMissing();
 * FlagClient flags = FlagClient.builder(store).build();
 * }</pre>
 *
 * <p><b>Tables</b> ({@code <prefix>flags}, {@code <prefix>revision}, {@code <prefix>audit},
 * {@code <prefix>instances}): one row per flag with its JSON body and version; one row holding the
 * store revision; an append-only audit trail; one row per instance's {@link Heartbeat}.
 * {@link #createSchemaIfMissing()} creates them; the same DDL ships as {@code schema/<dialect>.sql}
 * for teams whose DBAs apply migrations.
 *
 * <p><b>Reads.</b> {@link #headRevision()} is one single-row query; the client loads the flags only
 * when it moved. {@link #load()} reads the revision and then the flags in one transaction, in that
 * order, so the revision never claims a change the documents lack. A body larger than
 * {@link Builder#maxFlagBytes(int)} is handed on as {@link RawFlag#rejected rejected}, so the
 * client keeps its previous version.
 *
 * <p><b>Writes</b> take the revision row's lock ({@code SELECT ... FOR UPDATE}), compare the flag's
 * version with the expected one, write the flag, bump the revision and append the audit row in one
 * transaction, so concurrent operators are serialized and none loses an update; the loser gets a
 * {@link FlagWriteConflictException} naming the key, the expected and the actual version. On
 * PostgreSQL the same transaction sends {@code NOTIFY}, delivered on commit.
 *
 * <p><b>Heartbeats</b> ({@link HeartbeatStore}): {@link #putHeartbeat} is one upsert of one row
 * (service, instance, revision, stages as JSON, state, source, {@code sent_at}, {@code
 * interval_ms}, {@code expires_at} in epoch milliseconds; key service and instance), in its own
 * statement: it never takes the revision lock, moves the revision or sends {@code NOTIFY}. {@link
 * #heartbeats(Instant)} reads the rows whose {@code expires_at} is later, filtered in SQL; a row
 * that is not a valid heartbeat (edited by hand) is skipped with a warning naming its service and
 * instance. Instants and intervals are kept to the millisecond.
 *
 * <p><b>Push</b> (PostgreSQL only): {@link #subscribe} opens one dedicated connection that
 * {@code LISTEN}s on the channel, reconnects with exponential backoff when it drops, and sends a
 * hint after each reconnect to cover the gap. Polling remains the safety net everywhere.
 *
 * <p><b>Safety.</b> The table prefix and channel are checked against {@code [a-z][a-z0-9_]*} and
 * quoted; every value is a bound parameter; nothing a user or the store supplies is concatenated
 * into SQL. Thread-safe: every call borrows its own connection from the data source and commits
 * its own transaction, so give the store a plain pool, not a transaction-aware proxy that joins
 * the application's transactions. With push, one connection of the pool stays checked out for
 * {@code LISTEN}: size the pool for it.
 *
 * @since 0.1.0
 */
public final class JdbcFlagStore implements WritableFlagStore, HeartbeatStore {
    /** Table prefixes and channel names: lower-case letters, digits and underscores. */
    public static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private final DataSource dataSource;
    private final FlagConnections connections;
    private final FlagRows rows;
    private final FlagWrites writes;
    private final String prefix;
    private final JdbcDialect dialect;
    private final String channel;
    private final Clock clock;
    private final Duration listenBackoff;
    private final Duration listenMaxBackoff;
    private final Sql sql;
    private final Object listenLock = new Object();
    private final ChangeHints hints;
    private final HeartbeatTable heartbeats;
    private @Nullable PgNotificationListener listener;

    private JdbcFlagStore(Builder b, JdbcDialect dialect) {
        this.dataSource = b.dataSource;
        this.connections = new FlagConnections(b.dataSource);
        this.rows = new FlagRows(b.maxFlagBytes);
        this.prefix = b.tablePrefix;
        this.dialect = dialect;
        this.channel = b.channel == null ? b.tablePrefix + "flags" : b.channel;
        this.clock = b.clock;
        this.listenBackoff = b.listenBackoff;
        this.listenMaxBackoff = b.listenMaxBackoff;
        this.sql = new Sql(dialect, prefix);
        this.writes = new FlagWrites(connections, sql, dialect, prefix, channel);
        this.hints = new ChangeHints(describe());
        this.heartbeats = new HeartbeatTable(b.dataSource, connections, dialect, prefix);
    }

    /** Starts configuring a store over a data source. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The dialect in use. */
    public JdbcDialect dialect() {
        return dialect;
    }

    /** The table prefix in use. */
    public String tablePrefix() {
        return prefix;
    }

    /** The DDL this store would run, one statement per element, for review or a migration tool. */
    public List<String> schemaStatements() {
        return dialect.schema(prefix);
    }

    /**
     * Creates the tables (the heartbeat table included) and the revision row if they do not exist.
     * Safe to call on every start,
     * also from many instances at once: when another instance wins the race to create an object,
     * the resulting error is ignored once the schema is found complete.
     */
    public void createSchemaIfMissing() throws SQLException {
        connections.createSchema(dialect.schema(prefix), this::schemaComplete);
    }

    private boolean schemaComplete() {
        try {
            headRevision();
            load();
            return heartbeats.usable();
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Reads the revision, then every flag, in one transaction at the connection's own isolation
     * level. Reading the revision first is what makes this safe at any level: a write that commits
     * in between can only make the documents newer than the revision claims (the next head check
     * sees the higher revision and loads again), never older.
     */
    @Override
    public StoreSnapshot load() throws SQLException {
        return connections.inTransaction(FlagConnections.KEEP_ISOLATION, c -> {
            long revision = writes.revision(c, false);
            List<RawFlag> flags = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.loadAll);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    flags.add(rows.raw(rs.getString(1), rs.getLong(2), rs.getString(3)));
                }
            }
            return new StoreSnapshot(revision, flags);
        });
    }

    @Override
    public long headRevision() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return writes.revision(c, false);
        }
    }

    @Override
    public Optional<RawFlag> get(String key) throws SQLException {
        requireKey(key);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.getOne)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                // compare exactly: a table created with a case-insensitive collation may match "Flag" for "flag"
                while (rs.next()) {
                    if (key.equals(rs.getString(1))) {
                        return Optional.of(rows.raw(key, rs.getLong(2), rs.getString(3)));
                    }
                }
                return Optional.empty();
            }
        }
    }

    @Override
    public Flag put(Flag flag, long expectedVersion, AuditInfo audit) throws SQLException {
        Objects.requireNonNull(flag, "flag");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException(
                    "expectedVersion of flag '" + flag.key() + "' must be >= 0 (0: create) but was " + expectedVersion);
        }
        checkAudit(audit);
        Instant now = clock.instant();
        return writes.write(flag.key(), expectedVersion, (c, current, version, revision) -> {
            Flag stored = flag.toBuilder()
                    .version(version)
                    .updatedAt(now)
                    .updatedBy(audit.actor())
                    .build();
            String body = stored.toJson();
            rows.checkSize(flag.key(), body);
            if (current == null) {
                try (PreparedStatement ps = c.prepareStatement(sql.insertFlag)) {
                    FlagRows.bindInsert(ps, flag.key(), version, body, now, audit.actor());
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement(sql.updateFlag)) {
                    FlagRows.bindUpdate(ps, flag.key(), version, body, now, audit.actor(), current.version());
                    if (ps.executeUpdate() != 1) {
                        throw new FlagStoreException("flag '" + flag.key() + "' changed although its row was locked");
                    }
                }
            }
            writes.appendAudit(
                    c, flag.key(), version, audit, current == null ? null : current.body(), body, now, revision);
            return stored;
        });
    }

    @Override
    public void delete(String key, long expectedVersion, AuditInfo audit) throws SQLException {
        requireKey(key);
        if (expectedVersion < 1) {
            throw new IllegalArgumentException(
                    "expectedVersion to delete flag '" + key + "' must be >= 1 but was " + expectedVersion);
        }
        checkAudit(audit);
        Instant now = clock.instant();
        writes.write(key, expectedVersion, (c, current, version, revision) -> {
            if (current == null) {
                throw new FlagWriteConflictException(key, expectedVersion, 0);
            }
            try (PreparedStatement ps = c.prepareStatement(sql.deleteFlag)) {
                ps.setString(1, key);
                ps.setLong(2, current.version());
                if (ps.executeUpdate() != 1) {
                    throw new FlagStoreException("flag '" + key + "' changed although its row was locked");
                }
            }
            writes.appendAudit(c, key, current.version(), audit, current.body(), null, now, revision);
            return null;
        });
    }

    @Override
    public AuditPage history(String key, @Nullable String pageToken, int pageSize) throws SQLException {
        requireKey(key);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be >= 1 but was " + pageSize);
        }
        long before = Long.MAX_VALUE;
        if (pageToken != null) {
            try {
                before = Long.parseLong(pageToken);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid page token '" + pageToken + "'", e);
            }
        }
        List<AuditRecord> records = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.history)) {
            ps.setString(1, key);
            ps.setLong(2, before);
            ps.setInt(3, pageSize + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(FlagRows.auditRecord(key, rs));
                }
            }
        }
        if (records.size() > pageSize) {
            List<AuditRecord> page = records.subList(0, pageSize);
            return new AuditPage(page, Long.toString(page.get(pageSize - 1).revision()));
        }
        return new AuditPage(records, null);
    }

    /**
     * Creates the heartbeat table {@code <prefix>instances} if it does not exist, for a store whose
     * flag tables predate it; {@link #createSchemaIfMissing()} creates it with the others.
     */
    @Override
    public void createHeartbeatTableIfMissing() throws SQLException {
        heartbeats.createIfMissing();
    }

    /** One upsert of the instance's row; see the class comment. */
    @Override
    public void putHeartbeat(Heartbeat heartbeat) throws SQLException {
        heartbeats.put(Objects.requireNonNull(heartbeat, "heartbeat"));
    }

    @Override
    public List<Heartbeat> heartbeats(Instant now) throws SQLException {
        return heartbeats.read(Objects.requireNonNull(now, "now"));
    }

    @Override
    public void removeHeartbeat(String service, String instance) throws SQLException {
        heartbeats.remove(service, instance);
    }

    @Override
    public int removeExpiredHeartbeats(Instant now) throws SQLException {
        return heartbeats.removeExpired(Objects.requireNonNull(now, "now"));
    }

    @Override
    public Subscription subscribe(ChangeHintListener hint) {
        Objects.requireNonNull(hint, "listener");
        if (dialect != JdbcDialect.POSTGRESQL) {
            return Subscription.NONE;
        }
        synchronized (listenLock) {
            hints.add(hint);
            if (listener == null) {
                listener = new PgNotificationListener(
                        dataSource, channel, listenBackoff, listenMaxBackoff, describe(), hints);
                listener.start();
            }
            return () -> {
                synchronized (listenLock) {
                    if (hints.remove(hint) && listener != null) {
                        listener.close();
                        listener = null;
                    }
                }
            };
        }
    }

    @Override
    public String describe() {
        return "jdbc:" + dialect.name().toLowerCase(Locale.ROOT) + ":" + prefix;
    }

    /** Stops the LISTEN connection, if any. The data source is the application's to close. */
    @Override
    public void close() {
        synchronized (listenLock) {
            if (listener != null) {
                listener.close();
                listener = null;
            }
        }
    }

    /**
     * Configures a {@link JdbcFlagStore}. Each setting is checked when set, naming a bad value.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String tablePrefix = "cutover_";
        private @Nullable JdbcDialect dialect;
        private @Nullable String channel;
        private int maxFlagBytes = 256 * 1024;
        private Clock clock = Clock.systemUTC();
        private Duration listenBackoff = Duration.ofMillis(100);
        private Duration listenMaxBackoff = Duration.ofSeconds(30);

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** Prefix of the four table names; default {@code cutover_}. Lower-case letters, digits, {@code _}. */
        public Builder tablePrefix(String prefix) {
            this.tablePrefix = identifier("tablePrefix", prefix);
            return this;
        }

        /** Overrides the dialect detected from the connection's metadata. */
        public Builder dialect(JdbcDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /** PostgreSQL NOTIFY channel; default {@code <prefix>flags}. */
        public Builder notifyChannel(String channel) {
            this.channel = identifier("notifyChannel", channel);
            return this;
        }

        /** Largest flag JSON body accepted on write and served on read; default 256 KiB. */
        public Builder maxFlagBytes(int bytes) {
            if (bytes < 256) {
                throw new IllegalArgumentException("maxFlagBytes must be at least 256 but was " + bytes);
            }
            this.maxFlagBytes = bytes;
            return this;
        }

        /** Clock for write timestamps; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** First and longest wait before reconnecting a dropped LISTEN connection; 100 ms and 30 s. */
        public Builder listenReconnectBackoff(Duration first, Duration max) {
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException(
                        "listenReconnectBackoff needs 0 < first <= max but was " + first + ", " + max);
            }
            this.listenBackoff = first;
            this.listenMaxBackoff = max;
            return this;
        }

        /**
         * Builds the store. Without an explicit dialect this opens one connection to detect it, and
         * fails with a message naming the product when it is not supported.
         */
        public JdbcFlagStore build() throws SQLException {
            return new JdbcFlagStore(this, dialect != null ? dialect : JdbcDialect.detect(dataSource));
        }

        private static String identifier(String what, String value) {
            Objects.requireNonNull(value, what);
            if (!IDENTIFIER.matcher(value).matches()) {
                throw new IllegalArgumentException(
                        what + " must match " + IDENTIFIER.pattern() + " but was '" + value + "'");
            }
            return value;
        }
    }
}
