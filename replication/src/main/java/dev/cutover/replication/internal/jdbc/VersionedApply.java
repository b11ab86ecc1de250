package dev.cutover.replication.internal.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.Change;
import dev.cutover.replication.internal.ChangeChecks;
import dev.cutover.replication.internal.Keys;
import dev.cutover.replication.spi.ApplyOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned apply of the JDBC target: conditional writes, in batches, with an exact outcome
 * per change.
 *
 * <p><b>Design.</b> A batch is cut into chunks of the batch size, and each chunk into runs of
 * consecutive changes with distinct keys (a run ends before a key it already holds), so every
 * statement touches a key at most once (PostgreSQL refuses an upsert that hits a row twice) and
 * a key's changes land in input order. Rows are sorted by key within a run, so concurrent
 * appliers lock rows in the same order and rarely deadlock. Each run lands whole or not at all:
 *
 * <ul>
 *   <li>PostgreSQL: one multi-row {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE cur.version <
 *       EXCLUDED.version RETURNING entity_key}. The keys returned were applied, whatever batching
 *       option the driver has. With the default JSON column, two statements of one adaptive
 *       attempt each may go first, each backed off while it does not pay: a plain insert of the
 *       run while runs bring new keys ({@link #insertedAsNew}), and an update of the stored keys
 *       while runs meet mostly stored ones ({@link #updatedAsStored}); the conditional upsert then
 *       settles what they left.
 *   <li>MySQL/MariaDB and H2: one read of the stored versions, then, in one transaction, a batch
 *       of {@code UPDATE ... WHERE entity_key = ? AND version < ?} for keys stored older (its
 *       update counts say which landed, exact whether the driver counts found or changed rows,
 *       since an applied update always changes the version) and one multi-row {@code INSERT} for
 *       keys not stored. If another writer created one of those keys meanwhile, the insert fails
 *       on the duplicate and the transaction is rolled back.
 * </ul>
 *
 * A change not written is classified by one read of the stored versions: equal is {@link
 * ApplyOutcome#DUPLICATE}, higher {@link ApplyOutcome#SUPERSEDED}. That read may come after a
 * concurrent writer raised the version; the outcome is still truthful, because a change that
 * wrote nothing may as well have been tried at the moment of the read. A change whose key is
 * found older or missing after all (a tombstone purged in between, a row created concurrently)
 * goes round again, as does a run rolled back for a duplicate key, a deadlock or a lock timeout:
 * it wrote nothing. So when {@link #apply} throws, the runs before the failing one have landed and
 * nothing after: a prefix of the batch. No lock is held beyond one run's statements. Stateless
 * apart from one flag ({@link ExactBatch}), so thread-safe.
 */
public final class VersionedApply {
    private static final Logger LOG = LoggerFactory.getLogger(VersionedApply.class);
    /** Attempts per run before giving up under contention. */
    static final int MAX_ATTEMPTS = 25;

    private final DataSource dataSource;
    private final TargetSql sql;
    private final int batchSize;
    private final Clock clock;
    /** Whether to try a plain insert first: {@link #insertedAsNew}. */
    private final Optimism optimism = new Optimism();
    /** Whether to try the update of stored keys first: {@link #updatedAsStored}. */
    private final Optimism storedFirst = new Optimism();
    /** The most runs skipped after failed attempts of a plain insert (or of an update first). */
    public static final int MAX_OPTIMISM_SKIPS = 64;

    public VersionedApply(DataSource dataSource, TargetSql sql, int batchSize, Clock clock) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.batchSize = batchSize;
        this.clock = clock;
    }

    public List<ApplyOutcome> apply(List<Change> changes) throws SQLException {
        ChangeChecks.check(changes, sql.dialect, sql.upsertArrays == null && sql.dialect == SqlDialect.POSTGRESQL);
        if (changes.isEmpty()) {
            return List.of();
        }
        String[] json = sql.upsertArrays == null ? null : jsonTexts(changes);
        ApplyOutcome[] outcomes = new ApplyOutcome[changes.size()];
        try (Connection c = dataSource.getConnection()) {
            Transactions.inAutoCommit(c, () -> {
                for (int from = 0; from < changes.size(); from += batchSize) {
                    for (List<Integer> run : runs(changes, from, Math.min(changes.size(), from + batchSize))) {
                        applyRun(c, changes, json, run, outcomes);
                    }
                }
                return null;
            });
        }
        return Arrays.asList(outcomes);
    }

    /** Indexes of {@code changes[from, to)} in runs of consecutive distinct keys, each sorted by key. */
    static List<List<Integer>> runs(List<Change> changes, int from, int to) {
        List<List<Integer>> runs = new ArrayList<>();
        List<Integer> run = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = from; i < to; i++) {
            if (!keys.add(changes.get(i).key())) {
                runs.add(run);
                run = new ArrayList<>();
                keys.clear();
                keys.add(changes.get(i).key());
            }
            run.add(i);
        }
        runs.add(run);
        for (List<Integer> r : runs) {
            r.sort(Comparator.comparing(i -> changes.get(i).key()));
        }
        return runs;
    }

    /**
     * The payloads as the JSON text the arrays upsert binds, written once per call and checked
     * before anything is written: PostgreSQL's jsonb refuses a NUL character.
     */
    private String[] jsonTexts(List<Change> changes) {
        JsonPayloadColumn column = (JsonPayloadColumn) sql.payload;
        String[] json = new String[changes.size()];
        for (int i = 0; i < json.length; i++) {
            JsonNode payload = changes.get(i).payload();
            if (payload != null) {
                json[i] = column.text(payload);
                if (ChangeChecks.jsonHoldsNul(json[i])) {
                    throw ChangeChecks.nulInPayload(changes.get(i), i);
                }
            }
        }
        return json;
    }

    private void applyRun(
            Connection c, List<Change> changes, String @Nullable [] json, List<Integer> run, ApplyOutcome[] out)
            throws SQLException {
        List<Integer> pending = new ArrayList<>(run);
        SQLException contention = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                if (sql.dialect == SqlDialect.POSTGRESQL) {
                    upsertReturning(c, changes, json, pending, out);
                } else {
                    readUpdateInsert(c, changes, pending, out);
                }
                if (pending.isEmpty()) {
                    return;
                }
            } catch (SQLException e) {
                if (!SqlErrors.isContention(e, sql.dialect)) {
                    throw e;
                }
                contention = e;
                LOG.debug("contention on {}, attempt {}: {}", sql.table, attempt, e.toString());
            }
            SqlErrors.pause(attempt);
        }
        SQLException failed = new SQLException("could not apply " + pending.size() + " changes to " + sql.table
                + " (first: " + changes.get(pending.get(0)) + ") in " + MAX_ATTEMPTS + " attempts under contention");
        if (contention != null) {
            failed.initCause(contention);
        }
        throw failed;
    }

    /**
     * PostgreSQL with arrays: a plain insert of the run first, when recent runs suggest its keys are
     * new (a backfill into an empty table, a mirror creating entities). It lands whole, every change
     * {@link ApplyOutcome#APPLIED} (no row was stored, so nothing was newer), or fails on a key
     * already stored and writes nothing, and the conditional upsert follows. After a failure the
     * next runs skip the attempt, twice as many after each further failure (up to {@value
     * #MAX_OPTIMISM_SKIPS}), so a workload of updates pays for about one failed insert in 64 runs.
     *
     * @return whether the insert settled the whole run
     */
    private boolean insertedAsNew(
            Connection c, List<Change> changes, String[] json, List<Integer> pending, ApplyOutcome[] out)
            throws SQLException {
        if (sql.insertArrays == null || optimism.skip()) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement(sql.insertArrays)) {
            bindArrays(c, ps, changes, json, pending);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (SqlErrors.isDuplicateKey(e, sql.dialect)) {
                optimism.failed();
                return false;
            }
            throw e;
        }
        optimism.succeeded();
        for (int i : pending) {
            out[i] = ApplyOutcome.APPLIED;
        }
        pending.clear();
        return true;
    }

    /**
     * PostgreSQL with arrays: when recent runs met mostly stored keys (updates, redelivered changes),
     * one statement first updates the rows older than their change and returns the version its
     * snapshot holds for every other key ({@link TargetSql#updateArrays}); it inserts nothing. A
     * change it wrote is {@link ApplyOutcome#APPLIED}; one whose key it found at a version at least
     * as new is settled as by {@link #classify} (a stored version only grows, so the snapshot's is a
     * truthful reason not to write); the rest (keys not stored, or changed by another writer since
     * the snapshot) stay pending for the conditional upsert. A run in which more than half of the
     * keys were not stored counts as a failed attempt, backed off as {@link #insertedAsNew} is; a
     * run of new keys never gets here while the plain insert succeeds.
     *
     * @return whether the statement settled the whole run
     */
    private boolean updatedAsStored(
            Connection c, List<Change> changes, String[] json, List<Integer> pending, ApplyOutcome[] out)
            throws SQLException {
        if (sql.updateArrays == null || storedFirst.skip()) {
            return false;
        }
        Set<String> applied = new HashSet<>();
        Map<String, Long> stored = new HashMap<>();
        int missing = 0;
        try (PreparedStatement ps = c.prepareStatement(sql.updateArrays)) {
            bindArrays(c, ps, changes, json, pending);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    if (rs.getBoolean(2)) {
                        applied.add(key);
                    } else {
                        long version = rs.getLong(3);
                        if (rs.wasNull()) {
                            missing++;
                        } else {
                            stored.put(key, version);
                        }
                    }
                }
            }
        }
        if (missing * 2 > pending.size()) {
            storedFirst.failed();
        } else {
            storedFirst.succeeded();
        }
        settleApplied(changes, pending, applied, out);
        classify(changes, pending, stored, out);
        return pending.isEmpty();
    }

    /** Settles (and removes from {@code pending}) the changes whose key is in {@code applied}. */
    private static void settleApplied(
            List<Change> changes, List<Integer> pending, Set<String> applied, ApplyOutcome[] out) {
        pending.removeIf(i -> {
            boolean landed = applied.contains(changes.get(i).key());
            if (landed) {
                out[i] = ApplyOutcome.APPLIED;
            }
            return landed;
        });
    }

    /**
     * PostgreSQL: one conditional upsert (after the plain insert or the update first, when they are
     * tried and leave changes pending); removes from {@code pending} what it settled.
     */
    private void upsertReturning(
            Connection c, List<Change> changes, String @Nullable [] json, List<Integer> pending, ApplyOutcome[] out)
            throws SQLException {
        if (json != null
                && (insertedAsNew(c, changes, json, pending, out) || updatedAsStored(c, changes, json, pending, out))) {
            return;
        }
        Set<String> applied = new HashSet<>();
        try (PreparedStatement ps =
                c.prepareStatement(sql.upsertArrays != null ? sql.upsertArrays : sql.insert(pending.size(), true))) {
            if (json != null) {
                bindArrays(c, ps, changes, json, pending);
            } else {
                bindRows(ps, changes, pending);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    applied.add(sql.readKey(rs, 1));
                }
            }
        }
        settleApplied(changes, pending, applied, out);
        if (!pending.isEmpty()) {
            classify(changes, pending, readVersions(c, changes, pending), out);
        }
    }

    /**
     * MySQL/MariaDB and H2: read, then update older rows and insert missing ones in one transaction;
     * removes from {@code pending} what it settled.
     */
    private void readUpdateInsert(Connection c, List<Change> changes, List<Integer> pending, ApplyOutcome[] out)
            throws SQLException {
        Map<String, Long> stored = readVersions(c, changes, pending);
        classify(changes, pending, stored, out);
        List<Integer> older = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int i : pending) {
            (stored.containsKey(changes.get(i).key()) ? older : missing).add(i);
        }
        if (pending.isEmpty()) {
            return;
        }
        int[] counts;
        if (older.size() + (missing.isEmpty() ? 0 : 1) == 1) {
            // one statement: atomic on its own, and its update count is exact without a batch
            if (older.isEmpty()) {
                counts = insertAll(c, changes, missing) ? new int[0] : null;
            } else {
                try (PreparedStatement ps = c.prepareStatement(sql.update)) {
                    bindUpdate(ps, changes.get(older.get(0)));
                    counts = new int[] {ps.executeUpdate()};
                }
            }
        } else {
            counts = Transactions.inTransaction(c, () -> {
                int[] updated = older.isEmpty()
                        ? new int[0]
                        : sql.batches.run(
                                c, sql.update, older.size(), (ps, k) -> bindUpdate(ps, changes.get(older.get(k))));
                if (!missing.isEmpty() && !insertAll(c, changes, missing)) {
                    c.rollback(); // a key was created meanwhile: the run goes round again, nothing written
                    return null;
                }
                return updated;
            });
        }
        if (counts == null) {
            return;
        }
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0) {
                out[older.get(k)] = ApplyOutcome.APPLIED;
                pending.remove((Object) older.get(k));
            }
        }
        for (int i : missing) {
            out[i] = ApplyOutcome.APPLIED;
        }
        pending.removeAll(missing);
    }

    /** Settles (and removes from {@code pending}) the changes whose stored version is at least theirs. */
    private static void classify(
            List<Change> changes, List<Integer> pending, Map<String, Long> stored, ApplyOutcome[] out) {
        pending.removeIf(i -> {
            Change ch = changes.get(i);
            Long version = stored.get(ch.key());
            if (version == null || version < ch.version()) {
                return false;
            }
            out[i] = version == ch.version() ? ApplyOutcome.DUPLICATE : ApplyOutcome.SUPERSEDED;
            return true;
        });
    }

    private Map<String, Long> readVersions(Connection c, List<Change> changes, List<Integer> rows) throws SQLException {
        Map<String, Long> stored = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                sql.readVersionsArrays != null ? sql.readVersionsArrays : sql.readVersions(rows.size()))) {
            if (sql.readVersionsArrays != null) {
                Short[] buckets = new Short[rows.size()];
                String[] keys = new String[rows.size()];
                for (int k = 0; k < rows.size(); k++) {
                    keys[k] = changes.get(rows.get(k)).key();
                    buckets[k] = (short) Keys.bucket(keys[k]);
                }
                ps.setArray(1, c.createArrayOf("int2", buckets));
                ps.setArray(2, c.createArrayOf("text", keys));
            } else {
                for (int k = 0; k < rows.size(); k++) {
                    sql.bindKey(ps, k + 1, changes.get(rows.get(k)).key());
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(sql.readKey(rs, 1), rs.getLong(2));
                }
            }
        }
        return stored;
    }

    /** One multi-row insert: true when every row landed, false when a key existed (nothing landed). */
    private boolean insertAll(Connection c, List<Change> changes, List<Integer> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.insert(rows.size(), false))) {
            bindRows(ps, changes, rows);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (SqlErrors.isDuplicateKey(e, sql.dialect)) {
                return false;
            }
            throw e;
        }
    }

    private void bindRows(PreparedStatement ps, List<Change> changes, List<Integer> rows) throws SQLException {
        Object now = sql.timestamp(clock.instant());
        int p = 1;
        for (int i : rows) {
            Change ch = changes.get(i);
            sql.bindKey(ps, p, ch.key());
            ps.setInt(p + 1, Keys.bucket(ch.key()));
            ps.setLong(p + 2, ch.version());
            ps.setBoolean(p + 3, ch.isDelete());
            sql.payload.bind(ps, p + 4, ch.payload());
            ps.setObject(p + 4 + sql.payloadCount, now);
            p += sql.rowParameters();
        }
    }

    /**
     * Binds the rows of {@link TargetSql#insertArrays}, {@link TargetSql#upsertArrays} and {@link
     * TargetSql#updateArrays}: the time, then one array per column.
     */
    private void bindArrays(Connection c, PreparedStatement ps, List<Change> changes, String[] json, List<Integer> rows)
            throws SQLException {
        int n = rows.size();
        String[] keys = new String[n];
        Short[] buckets = new Short[n];
        Long[] versions = new Long[n];
        Boolean[] deleted = new Boolean[n];
        String[] payloads = new String[n];
        for (int k = 0; k < n; k++) {
            int i = rows.get(k);
            Change ch = changes.get(i);
            keys[k] = ch.key();
            buckets[k] = (short) Keys.bucket(ch.key());
            versions[k] = ch.version();
            deleted[k] = ch.isDelete();
            payloads[k] = json[i];
        }
        ps.setObject(1, sql.timestamp(clock.instant()));
        int p = 2;
        ps.setArray(p++, c.createArrayOf("text", keys));
        ps.setArray(p++, c.createArrayOf("int2", buckets));
        ps.setArray(p++, c.createArrayOf("int8", versions));
        ps.setArray(p++, c.createArrayOf("bool", deleted));
        ps.setArray(p, c.createArrayOf("text", payloads));
    }

    private void bindUpdate(PreparedStatement ps, Change ch) throws SQLException {
        ps.setLong(1, ch.version());
        ps.setBoolean(2, ch.isDelete());
        sql.payload.bind(ps, 3, ch.payload());
        int p = 3 + sql.payloadCount;
        ps.setObject(p, sql.timestamp(clock.instant()));
        sql.bindKey(ps, p + 1, ch.key());
        ps.setLong(p + 2, ch.version());
    }

    /**
     * The backoff of an attempt that pays off only for some workloads (the plain insert, the update
     * first), shared by the threads of one target. Races only make an attempt more or less likely;
     * every outcome stays exact.
     */
    public static final class Optimism {
        private final AtomicInteger skips = new AtomicInteger();
        private final AtomicInteger backoff = new AtomicInteger();

        /** Whether to skip the attempt this time (counting the skip). */
        boolean skip() {
            return skips.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        }

        void failed() {
            int next = backoff.updateAndGet(b -> Math.min(MAX_OPTIMISM_SKIPS, Math.max(1, b * 2)));
            skips.set(next);
        }

        void succeeded() {
            backoff.set(0);
        }
    }
}
