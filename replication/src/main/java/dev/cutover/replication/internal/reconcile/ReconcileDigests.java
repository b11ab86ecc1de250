package dev.cutover.replication.internal.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.ReconciliationException;
import dev.cutover.replication.ReconciliationReport.Rejection;
import dev.cutover.replication.ReconciliationReport.RowError;
import dev.cutover.replication.SourceRejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Base64;
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
        return ofOld(s, findings, io, 0, s.oldSide().segments(), () -> {});
    }

    /** {@link #ofOld} of the old side's segments {@code from} to {@code to} (exclusive) only. */
    static ReconcileDigests ofOld(
            ReconcileSettings s,
            ReconcileFindings findings,
            ExecutorService io,
            int from,
            int to,
            ReconcileScan.Beat beat)
            throws ReconciliationException, InterruptedException {
        ReconcileDigests d = new ReconcileDigests(s);
        ReconcileScan.segments(
                s.oldSide(),
                "old",
                from,
                to,
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
                io,
                beat);
        return d;
    }

    /** Digests the new side as it is; rows the source rejected go to {@code findings}. */
    static ReconcileDigests ofNew(ReconcileSettings s, ReconcileFindings findings, ExecutorService io)
            throws ReconciliationException, InterruptedException {
        return ofNew(s, findings, io, 0, s.newSide().segments(), () -> {});
    }

    /** {@link #ofNew} of the new side's segments {@code from} to {@code to} (exclusive) only. */
    static ReconcileDigests ofNew(
            ReconcileSettings s,
            ReconcileFindings findings,
            ExecutorService io,
            int from,
            int to,
            ReconcileScan.Beat beat)
            throws ReconciliationException, InterruptedException {
        ReconcileDigests d = new ReconcileDigests(s);
        ReconcileScan.segments(
                s.newSide(),
                "new",
                from,
                to,
                s.pageSize(),
                d::add,
                r -> d.rejected(findings, "new", r, r.key()),
                io,
                beat);
        return d;
    }

    /** Digests of no rows, to add parts to. */
    static ReconcileDigests empty(ReconcileSettings s) {
        return new ReconcileDigests(s);
    }

    /**
     * Adds the digests of {@code part}, another part of the same side: sums of row digests add up
     * (modulo 2^64), so the digests of a side read in parts are those of the side read at once.
     */
    void add(ReconcileDigests part) {
        for (int b = 0; b < rows.length; b++) {
            rows[b] += part.rows[b];
            sumA[b] += part.sumA[b];
            sumB[b] += part.sumB[b];
            rejected[b] += part.rejected[b];
        }
        liveRows += part.liveRows;
        notMigrated += part.notMigrated;
    }

    /** These digests as text: the counts, then each bucket that holds a row, for a split run's store. */
    String encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(rows.length);
            out.writeLong(liveRows);
            out.writeLong(notMigrated);
            for (int b = 0; b < rows.length; b++) {
                if (rows[b] != 0 || rejected[b] != 0 || sumA[b] != 0 || sumB[b] != 0) {
                    out.writeInt(b);
                    out.writeInt(rows[b]);
                    out.writeInt(rejected[b]);
                    out.writeLong(sumA[b]);
                    out.writeLong(sumB[b]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when {@code text} is not such digests, or of another bucket count
     */
    static ReconcileDigests decode(ReconcileSettings s, String text) {
        ReconcileDigests d = new ReconcileDigests(s);
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stored digests are not Base64: " + e.getMessage(), e);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw))) {
            int buckets = in.readInt();
            if (buckets != d.rows.length) {
                throw new IllegalArgumentException(
                        "stored digests have " + buckets + " buckets but this reconciler has " + d.rows.length);
            }
            d.liveRows = in.readLong();
            d.notMigrated = in.readLong();
            while (in.available() > 0) {
                int b = in.readInt();
                if (b < 0 || b >= buckets) {
                    throw new IllegalArgumentException("stored digests name bucket " + b + " of " + buckets);
                }
                d.rows[b] = in.readInt();
                d.rejected[b] = in.readInt();
                d.sumA[b] = in.readLong();
                d.sumB[b] = in.readLong();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("stored digests are cut short: " + e, e);
        }
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
