package dev.cutover.replication.internal.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.ReconciliationException;
import dev.cutover.replication.ReconciliationReport.Rejection;
import dev.cutover.replication.ReconciliationReport.RowError;
import dev.cutover.replication.SourceRejection;
import java.security.SecureRandom;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The first pass over one side: per bucket, the number of live rows and the sum of their row
 * digests (see {@link ReconcileRowDigest}). Memory is three numbers per bucket, whatever the size
 * of the store.
 *
 * <p>Tombstones count as absent: a key deleted on one side and never written on the other agree.
 * A row whose payload cannot be brought to canonical form gets a random digest, so that its
 * bucket differs for certain and the second pass reports it as an error rather than letting two
 * broken rows pass for equal. A row the source rejected is reported at once, and counted in the
 * bucket of its (new) key, so that the second pass, which leaves such keys uncompared, can size
 * its groups. Not thread-safe: one per side per run.
 */
final class ReconcileDigests {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReconcileSettings settings;
    private final ReconcileRowDigest digest = new ReconcileRowDigest();
    private final long[] pair = new long[2];
    final int[] rows;
    final long[] sumA;
    final long[] sumB;
    /** Per bucket, the rows this side rejected whose key could be placed in a bucket. */
    final int[] rejected;

    long liveRows;
    long notMigrated;

    private ReconcileDigests(ReconcileSettings settings) {
        this.settings = settings;
        this.rows = new int[settings.buckets()];
        this.sumA = new long[settings.buckets()];
        this.sumB = new long[settings.buckets()];
        this.rejected = new int[settings.buckets()];
    }

    /**
     * Digests the old side through the transform; rows it fails on, and rows the source rejected, go
     * to {@code findings}.
     */
    static ReconcileDigests ofOld(ReconcileSettings s, ReconcileFindings findings, ExecutorService io)
            throws ReconciliationException, InterruptedException {
        ReconcileDigests d = new ReconcileDigests(s);
        ReconcileScan.all(
                s.oldSide(),
                "old",
                s.pageSize(),
                raw -> {
                    Optional<Change> row;
                    try {
                        row = transform(s, raw);
                    } catch (RuntimeException e) {
                        findings.error(new RowError(
                                raw.key(),
                                "old",
                                "the transform threw " + e.getClass().getName()));
                        return;
                    }
                    if (row.isEmpty()) {
                        d.notMigrated++;
                    } else {
                        d.add(row.get());
                    }
                },
                r -> d.rejected(findings, "old", r, newKeyOf(s, r.key())),
                io);
        return d;
    }

    /** Digests the new side as it is; rows the source rejected go to {@code findings}. */
    static ReconcileDigests ofNew(ReconcileSettings s, ReconcileFindings findings, ExecutorService io)
            throws ReconciliationException, InterruptedException {
        ReconcileDigests d = new ReconcileDigests(s);
        ReconcileScan.all(s.newSide(), "new", s.pageSize(), d::add, r -> d.rejected(findings, "new", r, r.key()), io);
        return d;
    }

    private void rejected(ReconcileFindings findings, String side, SourceRejection r, @Nullable String newKey) {
        findings.rejected(new Rejection(r.key(), side, r.reason()));
        if (newKey != null) {
            rejected[settings.bucketOf(newKey)]++;
        }
    }

    /**
     * The key an old row that the source rejected would have in the new store: the transform's key
     * for a delete of it (the transform is given deletes too), else the old key as it is. Null when
     * the source read no key.
     */
    static @Nullable String newKeyOf(ReconcileSettings s, @Nullable String oldKey) {
        if (oldKey == null) {
            return null;
        }
        try {
            return transform(s, Change.delete(oldKey, 1)).map(Change::key).orElse(oldKey);
        } catch (RuntimeException e) {
            return oldKey; // a key a change cannot carry, or a transform that needs a payload
        }
    }

    /** The transform, checked: it must not return null, nor a null inside the optional. */
    static Optional<Change> transform(ReconcileSettings s, Change raw) {
        Optional<Change> row = s.transform().apply(raw);
        if (row == null) {
            throw new IllegalStateException("the transform returned null");
        }
        return row;
    }

    private void add(Change row) {
        if (row.isDelete()) {
            return;
        }
        int bucket = settings.bucketOf(row.key());
        JsonNode canonical;
        try {
            canonical = settings.comparison().canonicalize(row.payload());
            digest.digest(row.key(), canonical, pair);
        } catch (IllegalArgumentException e) {
            pair[0] = RANDOM.nextLong();
            pair[1] = RANDOM.nextLong();
        }
        liveRows++;
        rows[bucket]++;
        sumA[bucket] += pair[0];
        sumB[bucket] += pair[1];
    }

    /** The buckets whose rows differ between this side and {@code other}. */
    BitSet differing(ReconcileDigests other) {
        BitSet out = new BitSet(rows.length);
        for (int b = 0; b < rows.length; b++) {
            if (rows[b] != other.rows[b] || sumA[b] != other.sumA[b] || sumB[b] != other.sumB[b]) {
                out.set(b);
            }
        }
        return out;
    }
}
