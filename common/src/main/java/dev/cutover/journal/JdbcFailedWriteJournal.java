package dev.cutover.journal;

import dev.cutover.jdbc.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link FailedWriteJournal} in a table on PostgreSQL, MySQL/MariaDB or H2, so missed shadow
 * writes outlive the process until reconciliation repairs them. Needs only {@code java.sql}.
 *
 * <pre>{@code
 * JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(dataSource)
 *     .tablePrefix("cutover_")   // the default
 *     .build();                  // detects the dialect; or .dialect(SqlDialect.POSTGRESQL)
 * journal.createSchemaIfMissing();
 *
 * // a repair job, one pass:
 * long after = 0;
 * for (List<JournalEntry> page; !(page = journal.pending(after, 500)).isEmpty(); ) {
 *   List<Long> repaired = repairAll(page);            // yours
 *   journal.resolve(repaired);
 *   after = page.get(page.size() - 1).id();
 * }
 * }</pre>
 *
 * <p><b>Tables.</b> {@code <prefix>failed_writes}: {@code id} (auto-numbered {@code BIGINT}),
 * {@code repository}, {@code method}, {@code entity_key} (nullable), {@code target},
 * {@code reason}, {@code detail}, {@code at} and {@code resolved_at} (nullable; set once by
 * {@link #resolve}), with an index {@code <prefix>failed_writes_pending} that serves
 * {@link #pending} and {@link #pendingCount()} without reading resolved rows (a partial index on
 * PostgreSQL) and an index {@code <prefix>failed_writes_key} that serves the coalescing look-up of
 * {@link #append}. An append inserts a row and deletes the pending rows of its repository, key
 * and target that it found before, so the pending rows grow with distinct keys; two appenders
 * racing on one key (one per instance at most, since each process appends one key at a time) can
 * leave a row each, and the next append of that key replaces both. {@code <prefix>gaps}: {@code id}, {@code repository}, {@code kind},
 * {@code from_at}, {@code to_at}, {@code detail}, {@code closed_at} (nullable).
 * {@link #createSchemaIfMissing()} creates all of them. Teams that provision tables
 * themselves find the same DDL, for the default prefix, in the resource
 * {@link #schemaResource(SqlDialect)} ({@code dev/cutover/journal/schema/postgresql.sql},
 * {@code mysql.sql}, {@code h2.sql}) and, for any prefix, in {@link #schemaStatements()}. Resolved
 * rows are kept; delete old ones with your own housekeeping job if the table grows too large.
 *
 * <p><b>Limits.</b> {@code repository} up to {@value #MAX_REPOSITORY_LENGTH} characters,
 * {@code method} up to {@value #MAX_METHOD_LENGTH}, {@code entityKey} up to
 * {@value #MAX_ENTITY_KEY_LENGTH}: longer ones, and ones with a NUL character or a broken
 * surrogate pair, are rejected with an {@link IllegalArgumentException} naming the length and the
 * limit (or the character's index), never cut, because a shortened key would repair the wrong
 * entity. {@code detail} is never rejected: beyond {@value #MAX_DETAIL_LENGTH} characters it is
 * shortened and ends in {@code …}, and characters no database stores become U+FFFD. Lengths are
 * {@link String#length()}, which is never less than what a database counts. {@code at} is kept to the millisecond, in UTC ({@code DATETIME(3)}
 * holding UTC on MySQL; {@code TIMESTAMP(3) WITH TIME ZONE} elsewhere).
 *
 * <p><b>Order.</b> Ids come from the database's identity or auto-increment column, so each
 * appender's ids increase. Concurrent appends may commit out of id order: an entry can become
 * visible after one with a higher id. A paging pass can therefore miss an entry appended while it
 * ran; that entry stays pending and the next pass, which starts again at id 0, finds it.
 *
 * <p><b>Connections and threads.</b> Thread-safe, without locks: the journal holds only immutable
 * configuration. Every call borrows one connection from the data source and closes it (returns
 * it to the pool) before returning, also when it fails. A call never leaves a transaction open:
 * on a connection lent with auto-commit off it commits its own work, and {@link #resolve} runs its
 * batches in one transaction and restores the auto-commit mode it found. So give the journal a
 * plain pool, not a transaction-aware proxy that joins the application's transactions. The table
 * prefix is checked against {@link #IDENTIFIER} and quoted; every value is a bound parameter.
 *
 * @since 0.1.0
 */
public final class JdbcFailedWriteJournal implements FailedWriteJournal {
    /** Table prefixes: a lower-case letter, then up to 39 lower-case letters, digits or {@code _}. */
    public static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    /** Longest {@link FailedWrite#repository()} accepted, in {@code char}s. */
    public static final int MAX_REPOSITORY_LENGTH = 200;
    /** Longest {@link FailedWrite#method()} accepted, in {@code char}s. */
    public static final int MAX_METHOD_LENGTH = 200;
    /** Longest {@link FailedWrite#entityKey()} accepted, in {@code char}s. */
    public static final int MAX_ENTITY_KEY_LENGTH = 512;
    /** Longest {@link Gap#id()} accepted, in {@code char}s. */
    public static final int MAX_GAP_ID_LENGTH = 64;
    /** Longest {@link FailedWrite#detail()} kept, in {@code char}s; a longer one is shortened. */
    public static final int MAX_DETAIL_LENGTH = 1000;

    private final JournalConnections connections;
    private final String prefix;
    private final SqlDialect dialect;
    private final JournalSql sql;
    private final JournalRows rows;
    private final Clock clock = Clock.systemUTC();

    private JdbcFailedWriteJournal(DataSource dataSource, String prefix, SqlDialect dialect) {
        this.connections = new JournalConnections(dataSource);
        this.prefix = prefix;
        this.dialect = dialect;
        this.sql = new JournalSql(dialect, prefix);
        this.rows = new JournalRows(dialect, sql.table);
    }

    /** Starts configuring a journal over a data source (ideally a connection pool). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * The dialect in use, detected or set. The journal's SQL differs by dialect only in the
     * auto-numbered id, the timestamp type, identifier quoting and the pending index.
     */
    public SqlDialect dialect() {
        return dialect;
    }

    /** The table prefix in use. */
    public String tablePrefix() {
        return prefix;
    }

    /** The DDL {@link #createSchemaIfMissing()} runs, one statement per element, for review. */
    public List<String> schemaStatements() {
        return JournalSql.schema(dialect, prefix);
    }

    /**
     * The classpath resource with a dialect's DDL for the default prefix {@code cutover_}, for
     * example {@code /dev/cutover/journal/schema/postgresql.sql}.
     */
    public static String schemaResource(SqlDialect dialect) {
        return "/dev/cutover/journal/schema/" + dialect.name().toLowerCase(Locale.ROOT) + ".sql";
    }

    /**
     * Creates the table and its index if they do not exist. Safe to call on every start, also from
     * many instances at once: when another instance wins the race to create an object, the error is
     * retried and then ignored once the table is found usable.
     */
    public void createSchemaIfMissing() throws SQLException {
        connections.createSchema(schemaStatements(), this::pendingCount);
    }

    /**
     * Finds the pending rows of the same repository, key and target, inserts one row, then deletes
     * the rows it found; returns the id the database generated. Each step is one statement by
     * primary key or over the key index, with no transaction around them: there is never a moment
     * without a pending row for the key, and no range locks that concurrent appenders could
     * deadlock on. A deadlock or serialization failure reported anyway is retried twice.
     *
     * @throws IllegalArgumentException when an identifying field exceeds its limit (see above)
     */
    @Override
    public long append(FailedWrite write) throws SQLException {
        FailedWrite w = FailedWriteChecks.checked(write);
        for (int attempt = 0; ; attempt++) {
            try {
                List<Long> replaced = sameKey(w);
                long id = insert(w);
                if (!replaced.isEmpty()) {
                    connections.call(c -> {
                        try (PreparedStatement del = c.prepareStatement(sql.deletePending(replaced.size()))) {
                            for (int i = 0; i < replaced.size(); i++) {
                                del.setLong(i + 1, replaced.get(i));
                            }
                            del.executeUpdate();
                        }
                        return null;
                    });
                }
                return id;
            } catch (SQLTransactionRollbackException e) {
                if (attempt >= 2) {
                    throw e;
                }
            }
        }
    }

    private List<Long> sameKey(FailedWrite w) throws SQLException {
        boolean keyless = w.entityKey() == null;
        return connections.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(keyless ? sql.sameNullKey : sql.sameKey)) {
                int i = 1;
                if (!keyless) {
                    ps.setString(i++, w.entityKey());
                }
                ps.setString(i++, w.repository());
                ps.setString(i, w.target().name());
                try (ResultSet rs = ps.executeQuery()) {
                    List<Long> ids = new ArrayList<>();
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                    return ids;
                }
            }
        });
    }

    private long insert(FailedWrite w) throws SQLException {
        return connections.call(c -> {
            boolean returning = dialect == SqlDialect.POSTGRESQL;
            try (PreparedStatement ps = returning
                    ? c.prepareStatement(sql.insert)
                    : c.prepareStatement(sql.insert, Statement.RETURN_GENERATED_KEYS)) {
                rows.bindWrite(ps, w);
                try (ResultSet keys = returning ? ps.executeQuery() : executeForKeys(ps)) {
                    if (!keys.next()) {
                        throw new SQLException("the database generated no id for the new row of " + sql.table
                                + ": is its id column an identity (auto-increment) column?");
                    }
                    return keys.getLong(1);
                }
            }
        });
    }

    /**
     * Updates the gap row with this id (opening it again) or inserts one.
     *
     * @throws IllegalArgumentException when the id or the repository exceeds its limit
     */
    @Override
    public void putGap(Gap gap) throws SQLException {
        Gap g = FailedWriteChecks.checked(gap);
        for (int attempt = 0; ; attempt++) {
            try {
                connections.call(c -> {
                    try (PreparedStatement up = c.prepareStatement(sql.gapUpdate)) {
                        rows.bindGap(up, g);
                        if (up.executeUpdate() > 0) {
                            return null;
                        }
                    }
                    try (PreparedStatement in = c.prepareStatement(sql.gapInsert)) {
                        rows.bindGap(in, g);
                        in.executeUpdate();
                    }
                    return null;
                });
                return;
            } catch (SQLException e) {
                // two writers of one id raced to insert it: the update wins the second time
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void removeGap(String id) throws SQLException {
        Objects.requireNonNull(id, "id");
        connections.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.gapDelete)) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * @throws SQLException also when a row holds a kind this version does not know
     */
    @Override
    public List<Gap> gaps() throws SQLException {
        return connections.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.gaps);
                    ResultSet rs = ps.executeQuery()) {
                List<Gap> all = new ArrayList<>();
                while (rs.next()) {
                    all.add(rows.gap(rs));
                }
                return all;
            }
        });
    }

    @Override
    public int closeGaps(Instant reconciledFrom) throws SQLException {
        Objects.requireNonNull(reconciledFrom, "reconciledFrom");
        Instant now = clock.instant();
        return connections.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.gapClose)) {
                rows.setInstant(ps, 1, now);
                rows.setInstant(ps, 2, reconciledFrom);
                return ps.executeUpdate();
            }
        });
    }

    private static ResultSet executeForKeys(PreparedStatement ps) throws SQLException {
        ps.executeUpdate();
        return ps.getGeneratedKeys();
    }

    /**
     * One index range read: unresolved rows with an id above {@code afterId}, oldest first.
     *
     * @throws IllegalArgumentException when {@code limit < 1}
     * @throws SQLException also when a row holds a target or reason this version does not know
     */
    @Override
    public List<JournalEntry> pending(long afterId, int limit) throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        return connections.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.pending)) {
                ps.setLong(1, afterId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<JournalEntry> page = new ArrayList<>();
                    while (rs.next()) {
                        page.add(rows.entry(rs));
                    }
                    return page;
                }
            }
        });
    }

    /**
     * Sets {@code resolved_at} on the unresolved rows among {@code ids}, in batches of 500 ids, all
     * in one transaction. Ids that are unknown or already resolved are skipped, so the first
     * resolution time is kept. Borrows no connection when there is nothing to do.
     *
     * @throws NullPointerException when {@code ids} is or contains null
     */
    @Override
    public void resolve(Collection<Long> ids) throws SQLException {
        Objects.requireNonNull(ids, "ids");
        // sorted: concurrent resolvers then lock rows in the same order and cannot deadlock
        long[] sorted = ids.stream()
                .mapToLong(id -> Objects.requireNonNull(id, "ids must not contain null"))
                .filter(id -> id > 0)
                .sorted()
                .distinct()
                .toArray();
        if (sorted.length == 0) {
            return;
        }
        Instant now = clock.instant();
        connections.inTransaction(c -> {
            for (int from = 0; from < sorted.length; from += JournalSql.RESOLVE_CHUNK) {
                int n = Math.min(JournalSql.RESOLVE_CHUNK, sorted.length - from);
                try (PreparedStatement ps = c.prepareStatement(sql.resolve(n))) {
                    rows.setInstant(ps, 1, now);
                    for (int i = 0; i < n; i++) {
                        ps.setLong(i + 2, sorted[from + i]);
                    }
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** One {@code COUNT(*)} over the pending index. */
    @Override
    public long pendingCount() throws SQLException {
        return connections.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.pendingCount);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public String toString() {
        return "JdbcFailedWriteJournal[" + dialect.name().toLowerCase(Locale.ROOT) + ", " + sql.table + "]";
    }

    /**
     * Configures a {@link JdbcFailedWriteJournal}. Each setting is checked when set, naming a bad
     * value.
     *
     * <pre>{@code
     * JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(pool)
     *     .tablePrefix("orders_migration_")
     *     .dialect(SqlDialect.MYSQL)
     *     .build();
     * }</pre>
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String tablePrefix = "cutover_";
        private @Nullable SqlDialect dialect;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * Prefix of the table and index names; default {@code cutover_}. Must match {@link
         * #IDENTIFIER}.
         */
        public Builder tablePrefix(String prefix) {
            Objects.requireNonNull(prefix, "tablePrefix");
            if (!IDENTIFIER.matcher(prefix).matches()) {
                throw new IllegalArgumentException(
                        "tablePrefix must match " + IDENTIFIER.pattern() + " but was '" + prefix + "'");
            }
            this.tablePrefix = prefix;
            return this;
        }

        /** Sets the dialect instead of detecting it; {@link #build()} then opens no connection. */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * Builds the journal. Without an explicit dialect this borrows one connection to detect it,
         * and fails naming the product when it is not supported.
         *
         * @throws IllegalArgumentException when the database is not supported
         * @throws SQLException when no connection could be had to detect the dialect
         */
        public JdbcFailedWriteJournal build() throws SQLException {
            return new JdbcFailedWriteJournal(dataSource, tablePrefix, SqlDialect.setOrDetect(dialect, dataSource));
        }
    }
}
