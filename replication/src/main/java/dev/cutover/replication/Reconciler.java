package dev.cutover.replication;

import dev.cutover.compare.Comparison;
import dev.cutover.replication.internal.reconcile.ReconcileRun;
import dev.cutover.replication.internal.reconcile.ReconcileSettings;
import dev.cutover.replication.internal.reconcile.ReconcileSplit;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.KeyReader;
import dev.cutover.replication.spi.RangeResultStore;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Compares the old store with the new one and reports every key where they disagree. Immutable
 * and reusable: build once, {@link #run()} as often as needed (say nightly during a migration).
 *
 * <pre>{@code
 * Reconciler reconciler = Reconciler.between(oldOrders, newOrders)
 *     .transform(row -> Optional.of(row.withKey(KeyNormalizer.nfkc().normalize(row.key()))))
 *     .comparison(Comparison.builder().ignoreFields("etag").build())
 *     .recheck(oldOrders::read, newOrders::read)
 *     .build();
 * ReconciliationReport report = reconciler.run();
 * report.writeJson(Path.of("reconciliation.json"));
 * }</pre>
 *
 * <h2>How it compares</h2>
 *
 * Both sides are compared in the new store's key space: old rows go through the {@linkplain
 * Builder#transform transform} (key normalization included), then both sides through the
 * {@link Comparison}'s normalizers. Only live rows count: a tombstone and an absent key agree.
 *
 * <ol>
 *   <li><b>Chunk digests.</b> Each side is read once. Every live row falls into one of {@linkplain
 *       Builder#buckets N buckets} by a hash of its key, and each bucket keeps its row count and
 *       the sum of its rows' 128-bit digests (key plus canonical, normalized payload). Sums do not
 *       depend on the order rows arrive in, so sources without key order (a DynamoDB scan, a dump)
 *       compare as well as keyset-paged tables. Memory: three numbers per bucket.
 *   <li><b>Rows of differing buckets.</b> The buckets whose digests differ are read again, in
 *       groups of at most {@linkplain Builder#maxRowsInMemory maxRowsInMemory} rows, and compared
 *       key by key: missing in new, extra in new, different (field paths, from the comparison), or
 *       a collision (several live old keys mapping to one new key, never merged).
 *   <li><b>Re-check.</b> With {@linkplain Builder#recheck readers} for both sides, each discrepancy
 *       is read again by key (once per run after {@linkplain Builder#recheckAfter a delay}) and
 *       reported only if it still holds: writes in flight during the scans are not drift.
 * </ol>
 *
 * Versions are not compared, only content: a source without versions stamps them at read time.
 *
 * <p><b>Rejected rows.</b> A row a source read but could not make a change of ({@link
 * SegmentedSource.Page#rejected()}: a version NULL or below 1, an unreadable key or payload, a
 * malformed line) is reported in {@link ReconciliationReport#rejected()} with its key and reason,
 * and the report is not {@linkplain ReconciliationReport#clean() clean} while any remains. Its key
 * is not compared: the other side's row at that key is neither missing nor extra, so a repair
 * leaves it alone. Fix such rows in their store; the next reconciliation reads them again.
 *
 * @since 0.1.0
 */
public final class Reconciler {

    private final ReconcileSettings settings;

    private Reconciler(ReconcileSettings settings) {
        this.settings = settings;
    }

    /** Starts configuring a reconciliation of {@code oldSide} against {@code newSide}. */
    public static Builder between(SegmentedSource oldSide, SegmentedSource newSide) {
        return new Builder(Objects.requireNonNull(oldSide, "oldSide"), Objects.requireNonNull(newSide, "newSide"));
    }

    /**
     * Reads both sides and reports what differs.
     *
     * @throws ReconciliationException when a side could not be read; no partial report is made
     * @throws InterruptedException when interrupted (during the re-check delay)
     */
    public ReconciliationReport run() throws ReconciliationException, InterruptedException {
        return new ReconcileRun(settings).run();
    }

    /**
     * Starts configuring a reconciliation split into ranges that several processes share, and that
     * a process started again resumes: each process runs the same reconciler with the same stores.
     *
     * <pre>{@code
     * CheckpointStore checkpoints = JdbcCheckpointStore.builder(dataSource, "reconcile_orders_0607").build();
     * RangeResultStore results = JdbcRangeResultStore.builder(dataSource, "orders_0607").build();
     * ReconciliationReport report = reconciler.split(checkpoints, results)
     *     .ranges(16)
     *     .owner(podName)
     *     .run();           // on every pod: each returns the same report
     * }</pre>
     *
     * See {@link Split} for what is shared and what it costs.
     *
     * @param checkpoints who works on which range and which are done, as for a {@link Backfill};
     *     one store per reconciliation (a store that has seen every range done makes the same report
     *     again: use new checkpoints for the next reconciliation)
     * @param results what each range found
     * @since 0.2.0
     */
    public Split split(CheckpointStore checkpoints, RangeResultStore results) {
        return new Split(
                settings,
                Objects.requireNonNull(checkpoints, "checkpoints"),
                Objects.requireNonNull(results, "results"));
    }

    @Override
    public String toString() {
        return "Reconciler[" + settings.oldSide().describe() + " -> "
                + settings.newSide().describe() + ", buckets=" + settings.buckets() + "]";
    }

    /**
     * A reconciliation cut into ranges of both sides' segments, shared by processes through a
     * {@link CheckpointStore}'s leases, as a {@link Backfill} shares its segments.
     *
     * <pre>{@code
     * ReconciliationReport report = reconciler.split(checkpoints, results)
     *     .ranges(16)
     *     .owner("pod-7")
     *     .lease(Duration.ofMinutes(2))
     *     .run();
     * }</pre>
     *
     * <h2>How it runs</h2>
     *
     * <ol>
     *   <li><b>Digests by range.</b> Range {@code r} of {@code R} is the {@code r}-th slice of the
     *       old side's segments and the {@code r}-th slice of the new side's. A process claims a
     *       range, reads its slices once, and stores their bucket digests and the rows they
     *       rejected or could not transform. Bucket digests are sums, so the digests of all ranges
     *       add up to those of whole sides: every process derives the same differing buckets.
     *   <li><b>Differing buckets by range.</b> The differing buckets are cut into the same groups
     *       as a single run cuts them, and the groups into {@code R} slices that processes claim in
     *       turn; each group still costs a read of both sides, as in a single run.
     *   <li><b>One report.</b> When every range is done, each process merges the stored results,
     *       in range order, into one report: the same counts, lists and differing buckets as {@link
     *       Reconciler#run()} over the same data (when a list is {@linkplain
     *       ReconciliationReport#truncated() truncated}, it may keep other entries; the hashes of
     *       redacted values are keyed by the {@link Comparison} of the process that found them, as
     *       those of any two runs are).
     * </ol>
     *
     * <p><b>Failures.</b> A process renews its claim at least every third of the lease while it
     * reads; one that is killed loses its range when the lease expires, and another process (or
     * the same one, restarted with the same {@linkplain #owner owner}) reads the range again from
     * its start. A range done is never read again: a run started again continues with the ranges
     * left. A process waits for the ranges others hold (polling the checkpoints), so every process
     * returns the report. The checkpoints record the ranges, the buckets and both sides' segment
     * counts and layouts: a process configured otherwise is refused by {@link CheckpointStore#prepare}
     * with both layouts named. Transform and comparison must be the same on every process.
     *
     * <p><b>Cost.</b> The reads are those of a single run, spread over the processes, plus a read
     * of both sides for each range taken over from a killed process. The stores hold a checkpoint
     * per range (twice {@code R} rows) and a result per range: about 38 characters per side for each
     * bucket that holds a row of the range, plus the range's entries of the report.
     *
     * @since 0.2.0
     */
    public static final class Split {
        private final ReconcileSettings settings;
        private final CheckpointStore checkpoints;
        private final RangeResultStore results;
        private int ranges = 16;
        private String owner = BackfillBuilder.defaultOwner();
        private Duration lease = Duration.ofMinutes(2);

        private Split(ReconcileSettings settings, CheckpointStore checkpoints, RangeResultStore results) {
            this.settings = settings;
            this.checkpoints = checkpoints;
            this.results = results;
        }

        /**
         * Into how many ranges the work is cut, 1 to 4,096 (default 16); the same on every process.
         * More ranges than either side has segments leave some ranges of that side empty.
         */
        public Split ranges(int ranges) {
            this.ranges = Builder.between("ranges", ranges, 1, 4096);
            return this;
        }

        /**
         * Who this process is to the checkpoint store: unique among live processes, and the same
         * after a restart to take its ranges back at once (a pod name). Default: host name, process
         * id and a random suffix.
         */
        public Split owner(String owner) {
            this.owner = BackfillBuilder.checkOwner(owner);
            return this;
        }

        /**
         * How long a claim on a range lasts without renewal; default 2 minutes, 100 ms to 24 hours.
         * Reading renews it; another process takes a range over once its lease expired, so choose it
         * far longer than a page takes to read, and than the clock skew between processes.
         */
        public Split lease(Duration lease) {
            this.lease = BackfillBuilder.checkLease(lease);
            return this;
        }

        /**
         * Works on ranges until every range is done (by this process or others), then merges them.
         *
         * @return the report of the whole reconciliation, the same on every process
         * @throws ReconciliationException when a side, the checkpoints or the results could not be
         *     read or written
         * @throws IllegalStateException when the checkpoints were prepared for another split (other
         *     ranges, buckets or sides), or a done range's result is missing
         * @throws InterruptedException when interrupted
         */
        public ReconciliationReport run() throws ReconciliationException, InterruptedException {
            return new ReconcileSplit(settings, new ReconcileSplit.Options(checkpoints, results, ranges, owner, lease))
                    .run();
        }

        @Override
        public String toString() {
            return "Reconciler.Split[ranges=" + ranges + ", owner=" + owner + ", " + checkpoints.describe() + ", "
                    + results.describe() + "]";
        }
    }

    /**
     * Configures a {@link Reconciler}. Each setting is checked when set, naming a bad value.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final SegmentedSource oldSide;
        private final SegmentedSource newSide;
        private Function<Change, Optional<Change>> transform = Optional::of;
        private Comparison comparison = Comparison.defaults();
        private int buckets = 4096;
        private int pageSize = 1000;
        private int maxRowsInMemory = 200_000;
        private int reportLimit = 10_000;
        private @Nullable KeyReader oldReader;
        private @Nullable KeyReader newReader;
        private @Nullable Duration recheckAfter;
        private Clock clock = Clock.systemUTC();

        private Builder(SegmentedSource oldSide, SegmentedSource newSide) {
            this.oldSide = oldSide;
            this.newSide = newSide;
        }

        /**
         * Turns an old row into its new form, key normalization included, or empty when the row is
         * not migrated (default: unchanged). It is also given tombstones (deletes) and must be
         * deterministic: each run applies it on every read. A row it throws on is reported as an
         * error naming the old key.
         */
        public Builder transform(Function<Change, Optional<Change>> transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /** How rows are compared: normalizers, redaction (default {@link Comparison#defaults()}). */
        public Builder comparison(Comparison comparison) {
            this.comparison = Objects.requireNonNull(comparison, "comparison");
            return this;
        }

        /**
         * How many hash buckets the keys are split into, 1 to 1,048,576 (default 4,096). More buckets
         * mean fewer rows read again per difference; aim for tens to thousands of rows per bucket.
         */
        public Builder buckets(int buckets) {
            this.buckets = between("buckets", buckets, 1, 1 << 20);
            return this;
        }

        /** Rows per page read from a source, 1 to 100,000 (default 1,000). */
        public Builder pageSize(int pageSize) {
            this.pageSize = between("pageSize", pageSize, 1, 100_000);
            return this;
        }

        /** The most rows held while comparing differing buckets, 1 to 100,000,000 (default 200,000). */
        public Builder maxRowsInMemory(int maxRows) {
            this.maxRowsInMemory = between("maxRowsInMemory", maxRows, 1, 100_000_000);
            return this;
        }

        /** The most entries each list of the report holds, 0 to 10,000,000 (default 10,000); counts stay exact. */
        public Builder reportLimit(int limit) {
            this.reportLimit = between("reportLimit", limit, 0, 10_000_000);
            return this;
        }

        /**
         * Re-reads each discrepancy before reporting it: {@code oldReader} reads the old store by an
         * old key (an extra key is looked up by its new key), {@code newReader} the new store.
         */
        public Builder recheck(KeyReader oldReader, KeyReader newReader) {
            this.oldReader = Objects.requireNonNull(oldReader, "oldReader");
            this.newReader = Objects.requireNonNull(newReader, "newReader");
            return this;
        }

        /**
         * {@link #recheck(KeyReader, KeyReader)} with the new side, a {@link VersionedTarget}, as its own reader.
         *
         * @throws IllegalArgumentException when the new side is not a {@link VersionedTarget}
         */
        public Builder recheck(KeyReader oldReader) {
            if (!(newSide instanceof VersionedTarget target)) {
                throw new IllegalArgumentException("recheck(oldReader) needs a VersionedTarget as the new side but was "
                        + newSide.getClass().getName() + "; use recheck(oldReader, newReader)");
            }
            return recheck(oldReader, target);
        }

        /**
         * How long to wait, once per run, before the first re-check (default: the comparison's
         * {@link Comparison#recheckDelay()}), so that writes in flight land first. Zero: at once.
         */
        public Builder recheckAfter(Duration delay) {
            Objects.requireNonNull(delay, "recheckAfter");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("recheckAfter must be >= 0 but was " + delay);
            }
            this.recheckAfter = delay;
            return this;
        }

        /** The clock of the report's timestamps (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Reconciler build() {
            Duration delay = recheckAfter != null ? recheckAfter : comparison.recheckDelay();
            return new Reconciler(new ReconcileSettings(
                    oldSide,
                    newSide,
                    transform,
                    comparison,
                    buckets,
                    pageSize,
                    maxRowsInMemory,
                    reportLimit,
                    oldReader,
                    newReader,
                    delay,
                    clock));
        }

        /** {@code build().run()}, for a one-off reconciliation. */
        public ReconciliationReport run() throws ReconciliationException, InterruptedException {
            return build().run();
        }

        static int between(String what, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        what + " must be between " + min + " and " + max + " but was " + value);
            }
            return value;
        }
    }
}
