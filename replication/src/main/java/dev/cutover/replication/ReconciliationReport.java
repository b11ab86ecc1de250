package dev.cutover.replication;

import dev.cutover.compare.Difference;
import dev.cutover.replication.internal.reconcile.ReconciliationJson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Reconciler} found between the old and the new store, in the new store's key space:
 * keys missing in new, extra in new, different (with the differing field paths), old keys that
 * collide on one new key, rows that could not be compared, and rows a side could not read at all
 * (rejected: not migrated). Counts are exact; the lists hold at most the reconciler's {@code
 * reportLimit} entries each ({@link #truncated()} says when more were found). An empty report
 * ({@link #clean()}) means the stores agree.
 *
 * <pre>{@code
 * ReconciliationReport report = Reconciler.between(oldStore, newStore).recheck(oldStore::get).run();
 * log.info(report.summary());
 * report.writeJson(Path.of("reconciliation.json"));
 * if (!report.clean()) {
 *   Repair.from(report).direction(Repair.Direction.OLD_TO_NEW).authority(oldStore::get).apply(newStore);
 * }
 * }</pre>
 *
 * <p>Entity values never appear: differences carry field paths and keyed hashes, unless the
 * {@link dev.cutover.compare.Comparison} reveals values. Keys do appear; they are what a
 * repair needs.
 *
 * @param oldSide the old source's description
 * @param newSide the new source's description
 * @param startedAt when the first pass started: writes before it are covered
 * @param finishedAt when the report was complete
 * @param buckets how many hash buckets the key space was split into
 * @param differingBuckets how many buckets differed in the first pass and were read row by row
 * @param rechecked whether differing keys were read again on both sides before being reported
 * @param counts the counts of everything found
 * @param missingInNew live in old, absent or deleted in new
 * @param extraInNew live in new, absent or deleted in old
 * @param different live on both sides with different normalized content
 * @param collisions new keys that several live old keys map to; never compared nor repaired
 * @param errors rows that could not be transformed or compared
 * @param rejected rows a side's source read but could not make a change of (a version NULL or
 *     below 1, a key or payload that cannot be read, a malformed line): not migrated, and never
 *     repaired by a {@link Repair}, which cannot read them either; fix the rows in the store
 * @since 0.1.0
 */
public record ReconciliationReport(
        String oldSide,
        String newSide,
        Instant startedAt,
        Instant finishedAt,
        int buckets,
        int differingBuckets,
        boolean rechecked,
        Counts counts,
        List<Discrepancy> missingInNew,
        List<Discrepancy> extraInNew,
        List<Discrepancy> different,
        List<Collision> collisions,
        List<RowError> errors,
        List<Rejection> rejected) {

    /** The value of the {@code schema} field of the JSON file. */
    public static final String SCHEMA = "cutover.reconciliation/1";

    public ReconciliationReport {
        Objects.requireNonNull(oldSide, "oldSide");
        Objects.requireNonNull(newSide, "newSide");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(counts, "counts");
        missingInNew = List.copyOf(missingInNew);
        extraInNew = List.copyOf(extraInNew);
        different = List.copyOf(different);
        collisions = List.copyOf(collisions);
        errors = List.copyOf(errors);
        rejected = List.copyOf(rejected);
    }

    /**
     * The counts.
     *
     * @param oldRows live rows read from old (after the transform)
     * @param newRows live rows read from new
     * @param notMigrated old rows the transform left out
     * @param missingInNew keys live in old only
     * @param extraInNew keys live in new only
     * @param different keys whose content differs
     * @param collisions new keys with several live old keys
     * @param errors rows that could not be transformed or compared
     * @param settledOnRecheck keys that differed in the scan but agreed when read again (writes in
     *     flight): not reported
     * @param rejected rows either side read but could not make a change of: not migrated, not in
     *     {@code oldRows} or {@code newRows}
     * @since 0.1.0
     */
    public record Counts(
            long oldRows,
            long newRows,
            long notMigrated,
            long missingInNew,
            long extraInNew,
            long different,
            long collisions,
            long errors,
            long settledOnRecheck,
            long rejected) {}

    /**
     * One key where the stores disagree.
     *
     * @param key the key in the new store's key space
     * @param oldKeys the old key it came from (empty when the key is not live in old)
     * @param oldVersion the old row's version, 0 when absent
     * @param newVersion the new row's version, 0 when absent
     * @param differences the differing field paths (empty unless different)
     * @param differencesTruncated whether more fields differ than listed
     * @param oldDigest for a different row, the {@link PayloadDigest} of the old row as stored
     *     (before the transform), which a {@code NEW_TO_OLD} repair expects to find; else null
     * @param newDigest for a different row, the {@link PayloadDigest} of the new row as stored,
     *     which an {@code OLD_TO_NEW} repair expects to find; else null
     * @since 0.1.0
     */
    public record Discrepancy(
            String key,
            List<String> oldKeys,
            long oldVersion,
            long newVersion,
            List<Difference> differences,
            boolean differencesTruncated,
            @Nullable String oldDigest,
            @Nullable String newDigest) {
        public Discrepancy {
            Objects.requireNonNull(key, "key");
            oldKeys = List.copyOf(oldKeys);
            differences = List.copyOf(differences);
        }

        /** A discrepancy without content digests: a missing or extra key, or a report of an earlier release. */
        public Discrepancy(
                String key,
                List<String> oldKeys,
                long oldVersion,
                long newVersion,
                List<Difference> differences,
                boolean differencesTruncated) {
            this(key, oldKeys, oldVersion, newVersion, differences, differencesTruncated, null, null);
        }
    }

    /**
     * Several live old keys that map to one new key: which one wins is a decision for a person.
     *
     * @param key the new key
     * @param oldKeys the old keys, sorted
     * @since 0.1.0
     */
    public record Collision(String key, List<String> oldKeys) {
        public Collision {
            Objects.requireNonNull(key, "key");
            oldKeys = List.copyOf(oldKeys);
        }
    }

    /**
     * A row that could not be transformed or compared.
     *
     * @param key the key as read (an old key when the transform failed)
     * @param side {@code old}, {@code new} or {@code both}
     * @param detail the step and the exception's type, never the data
     * @since 0.1.0
     */
    public record RowError(String key, String side, String detail) {
        public RowError {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(side, "side");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * A row a side's source read but could not make a change of ({@link SourceRejection}): it is
     * not migrated, whatever the other side holds. The key is not compared (the other side's row at
     * that key is neither missing nor extra), and a repair leaves it alone: it stays in every report
     * until the row is fixed in its store.
     *
     * @param key the row's key as read (in the side's own key space), or null when none could be read
     * @param side {@code old} or {@code new}
     * @param reason the source's reason, naming the column, field or line, never the data
     * @since 0.1.0
     */
    public record Rejection(@Nullable String key, String side, String reason) {
        public Rejection {
            Objects.requireNonNull(side, "side");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Whether nothing was found: the stores agree, and every row of both was read. */
    public boolean clean() {
        return counts.missingInNew() == 0
                && counts.extraInNew() == 0
                && counts.different() == 0
                && counts.collisions() == 0
                && counts.errors() == 0
                && counts.rejected() == 0;
    }

    /** Whether a list holds fewer entries than its count. */
    public boolean truncated() {
        return missingInNew.size() < counts.missingInNew()
                || extraInNew.size() < counts.extraInNew()
                || different.size() < counts.different()
                || collisions.size() < counts.collisions()
                || errors.size() < counts.errors()
                || rejected.size() < counts.rejected();
    }

    /** How long the reconciliation took. */
    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /**
     * Writes the report as one JSON document, UTF-8, replacing {@code file}. The schema is stable:
     * a later version may add fields (readers ignore unknown ones); a change that breaks readers
     * gets a new {@code schema} value.
     *
     * <pre>{@code
     * {"schema": "cutover.reconciliation/1", "oldSide": "...", "newSide": "...",
     *  "startedAt": "2026-05-01T10:15:30Z", "finishedAt": "...", "durationMillis": 1234,
     *  "buckets": 4096, "differingBuckets": 3, "rechecked": true, "clean": false, "truncated": false,
     *  "counts": {"oldRows": 0, "newRows": 0, "notMigrated": 0, "missingInNew": 0, "extraInNew": 0,
     *             "different": 0, "collisions": 0, "errors": 0, "settledOnRecheck": 0, "rejected": 0},
     *  "missingInNew": [{"key": "k1", "oldKeys": ["k1"], "oldVersion": 3, "newVersion": 0,
     *                    "differences": [], "differencesTruncated": false}],
     *  "extraInNew": [ ...as missingInNew... ],
     *  "different": [{"key": "k2", "oldKeys": ["k2"], "oldVersion": 7, "newVersion": 6,
     *                 "differences": [{"path": "/name", "kind": "CHANGED", "oldHash": "..", "newHash": ".."}],
     *                 "differencesTruncated": false}],
     *  "collisions": [{"key": "k3", "oldKeys": [" k3", "k3"]}],
     *  "errors": [{"key": "k4", "side": "old", "detail": "transform threw java.lang.IllegalStateException"}],
     *  "rejected": [{"key": "k5", "side": "old", "reason": "version column rev is NULL"},
     *               {"key": null, "side": "old", "reason": "line 9 (byte 812): not valid JSON (column 3)"}]}
     * }</pre>
     *
     * Differences carry {@code oldValue} and {@code newValue} only when the comparison reveals
     * values; hashes and values are omitted when absent. A different row carries the {@link
     * PayloadDigest}s of both rows as stored ({@code oldDigest}, {@code newDigest}): what a repair
     * in another process compares the target's row with before it overwrites same-version drift.
     */
    public void writeJson(Path file) throws IOException {
        ReconciliationJson.write(this, Objects.requireNonNull(file, "file"));
    }

    /** Reads a report written by {@link #writeJson}, for a repair run by another process. */
    public static ReconciliationReport readJson(Path file) throws IOException {
        return ReconciliationJson.read(Objects.requireNonNull(file, "file"));
    }

    /** A few lines for a person: the sides, the counts, the time taken. */
    public String summary() {
        Counts c = counts;
        return (clean() ? "reconciliation clean" : "reconciliation found differences") + ": " + oldSide + " -> "
                + newSide
                + "\n  rows: " + c.oldRows() + " old, " + c.newRows() + " new, " + c.notMigrated() + " not migrated"
                + "\n  missing in new: " + c.missingInNew() + ", extra in new: " + c.extraInNew() + ", different: "
                + c.different() + ", collisions: " + c.collisions() + ", errors: " + c.errors()
                + ", rejected (not migrated): " + c.rejected()
                + "\n  " + differingBuckets + " of " + buckets + " buckets read row by row; "
                + (rechecked ? c.settledOnRecheck() + " settled on re-check" : "not re-checked")
                + (truncated() ? "; lists truncated" : "") + "; took "
                + duration().toMillis() + " ms";
    }

    /** The {@link #summary()}: lists stay out of logs. */
    @Override
    public String toString() {
        return summary();
    }
}
