package dev.cutover.replication.internal.reconcile;

import dev.cutover.replication.Change;
import dev.cutover.replication.ReconciliationException;
import dev.cutover.replication.internal.reconcile.ReconcileJudge.OldRow;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The second pass: reads the rows of the buckets that differed, on both sides, and hands each key
 * to the {@link ReconcileJudge}.
 *
 * <p>Memory stays bounded: the differing buckets are taken in groups whose rows (known from the
 * first pass's counts) add up to at most {@code maxRowsInMemory}, and each group costs one more
 * read of both sources that keeps only that group's rows. A single bucket larger than the bound
 * is a group on its own. Few differences, the common case after the first full copy, mean one
 * extra read that keeps a handful of rows; a new store that is still empty means as many reads as
 * groups. Rows the transform fails on were reported by the first pass and are skipped here, and
 * so are the keys a side rejected (reported by the first pass too): a row its store cannot read
 * is neither missing nor extra on the other side, and a repair must not act on it.
 */
final class ReconcileDrill {
    private final ReconcileSettings s;
    private final ReconcileJudge judge;
    private final ReconcileScan.Beat beat;

    ReconcileDrill(ReconcileSettings settings, ReconcileJudge judge) {
        this(settings, judge, () -> {});
    }

    /** A drill that runs {@code beat} after each page it reads. */
    ReconcileDrill(ReconcileSettings settings, ReconcileJudge judge, ReconcileScan.Beat beat) {
        this.s = settings;
        this.judge = judge;
        this.beat = beat;
    }

    void run(BitSet differing, ReconcileDigests old, ReconcileDigests neu, ExecutorService io)
            throws ReconciliationException, InterruptedException {
        run(groups(s, differing, old, neu), io);
    }

    /** Compares the rows of {@code groups}, one group after the other, in their order. */
    void run(List<BitSet> groups, ExecutorService io) throws ReconciliationException, InterruptedException {
        for (BitSet group : groups) {
            Map<String, List<OldRow>> olds = new HashMap<>();
            Map<String, Change> news = new HashMap<>();
            // keys of this group a side rejected: reported by the first pass, and not compared here
            Set<String> oldRejected = new HashSet<>();
            Set<String> newRejected = new HashSet<>();
            Parallel.both(
                    io,
                    () -> ReconcileScan.segments(
                            s.oldSide(),
                            "old",
                            0,
                            s.oldSide().segments(),
                            s.pageSize(),
                            raw -> {
                                Optional<Change> row;
                                try {
                                    row = ReconcileDigests.transform(s, raw);
                                } catch (RuntimeException e) {
                                    return; // reported by the first pass
                                }
                                if (row.isPresent()
                                        && !row.get().isDelete()
                                        && group.get(s.bucketOf(row.get().key()))) {
                                    olds.computeIfAbsent(row.get().key(), k -> new ArrayList<>(1))
                                            .add(new OldRow(raw.key(), row.get(), raw.payload()));
                                }
                            },
                            r -> keep(group, oldRejected, ReconcileDigests.newKeyOf(s, r.key())),
                            io,
                            beat),
                    () -> ReconcileScan.segments(
                            s.newSide(),
                            "new",
                            0,
                            s.newSide().segments(),
                            s.pageSize(),
                            row -> {
                                if (!row.isDelete() && group.get(s.bucketOf(row.key()))) {
                                    news.put(row.key(), row);
                                }
                            },
                            r -> keep(group, newRejected, r.key()),
                            io,
                            beat));
            TreeSet<String> keys = new TreeSet<>(olds.keySet());
            keys.addAll(news.keySet());
            keys.removeAll(oldRejected);
            keys.removeAll(newRejected);
            for (String key : keys) {
                judge.judge(key, olds.getOrDefault(key, List.of()), news.get(key));
            }
        }
    }

    private void keep(BitSet group, Set<String> rejected, @Nullable String key) {
        if (key != null && group.get(s.bucketOf(key))) {
            rejected.add(key);
        }
    }

    /**
     * The differing buckets in groups of at most {@code maxRowsInMemory} rows, in bucket order: the
     * same for every process that has the same digests.
     */
    static List<BitSet> groups(ReconcileSettings s, BitSet differing, ReconcileDigests old, ReconcileDigests neu) {
        List<BitSet> groups = new ArrayList<>();
        BitSet current = new BitSet();
        long rows = 0;
        for (int b = differing.nextSetBit(0); b >= 0; b = differing.nextSetBit(b + 1)) {
            long bucketRows = (long) old.rows[b] + neu.rows[b] + old.rejected[b] + neu.rejected[b];
            if (!current.isEmpty() && rows + bucketRows > s.maxRowsInMemory()) {
                groups.add(current);
                current = new BitSet();
                rows = 0;
            }
            current.set(b);
            rows += bucketRows;
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }
}
