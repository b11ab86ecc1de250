package dev.cutover.examples.rekey;

import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.Stage;
import dev.cutover.examples.CountingSource;
import dev.cutover.examples.LiveStatus;
import dev.cutover.examples.MigrationReport;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.replication.BackfillCollision;
import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import dev.cutover.replication.spi.KeyReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Migration 2 of the seed stories, the primary-key change, run end to end on DynamoDB Local: the
 * old {@code orders} table is keyed by ids people typed and pasted (invisible characters,
 * look-alike forms, and near-duplicates: one order entered twice under two dirty ids), and the
 * new {@code orders-v2} table is keyed by the normalized id. Twelve services keep reading and
 * writing throughout.
 *
 * <ol>
 *   <li>The old table is seeded, then its stream is turned on and a {@link StreamSync} starts
 *       copying every write to the new table (normalized key, versioned apply). The services start,
 *       all at {@code OLD_ONLY}.
 *   <li>A {@link DumpWriter} dump of the old table (typed DynamoDB JSON lines, like the seed's S3
 *       backups) seeds the new table through a {@link DumpBackfill} (a {@code Backfill} from an
 *       {@code NdjsonSource}) with NFKC key normalization: every near-duplicate is reported as a
 *       collision with both old ids, and the second order is held back, never merged.
 *   <li>The stage flag, in a DynamoDB flag table, moves to {@code DUAL_WRITE} and {@code SHADOW};
 *       a {@link Reconciler} compares the tables while the services run.
 *   <li>Three flips, each published with an {@code effectiveAt} instant seconds ahead: to
 *       {@code LIVE} (reads from the new table), back to {@code SHADOW}, forward to {@code LIVE}.
 *       A {@link FlipWatch} times each service's first read on the new stage and counts reads on
 *       a mixed stage.
 *   <li>Traffic stops, the stream catches up, and a final reconciliation must find nothing but the
 *       near-duplicates.
 * </ol>
 *
 * <p><b>Size.</b> {@code size} scales the data: 3,000 orders and 3 near-duplicate pairs per unit,
 * and the backfill's rate limit with them. The traffic (12 services, a read every 40 ms each, a
 * write every fourth step) and the flips (about 20 s with the stage moves and reconciliations) do
 * not. Measured on two cores shared with other builds, DynamoDB Local's start (4 to 13 s)
 * included: size 1 in 36 to 60 s, size 5 in 81 s; up to twice that while the cores are saturated.
 *
 * <pre>{@code
 * MigrationReport report = RekeyMigration.run(1, LiveStatus.silent());
 * report.print(System.out);
 * }</pre>
 */
public final class RekeyMigration {
    private static final KeyNormalizer KEYS = KeyNormalizer.nfkc();
    private static final Duration BOUND = Duration.ofSeconds(60);

    /**
     * What a run does; {@link #ofSize(int)} for the standard sizes.
     *
     * @param orders distinct orders in the old table
     * @param nearDuplicates how many of them were entered twice, under two dirty ids
     * @param services services reading and writing through the dual-write proxy
     * @param backfillRate rows per second the backfill may copy
     * @param stepEvery how often each service reads (and every fourth time writes)
     * @param flipLead how far ahead a flip's {@code effectiveAt} is published at least (four times
     *     the longest a stage move took to reach every service, when that is longer)
     * @param settle how long traffic runs on after a flip's instant at least (and on until every
     *     service has read)
     */
    public record Options(
            int orders,
            int nearDuplicates,
            int services,
            int backfillRate,
            Duration stepEvery,
            Duration flipLead,
            Duration settle) {

        /** Checks every setting, naming a bad value. */
        public Options {
            check(orders >= 10, "orders must be >= 10 but was " + orders);
            check(
                    nearDuplicates >= 0 && nearDuplicates <= orders / 10,
                    "nearDuplicates must be 0 to orders / 10 (" + orders / 10 + ") but was " + nearDuplicates);
            check(services >= 1 && services <= 64, "services must be 1 to 64 but was " + services);
            check(backfillRate >= 1, "backfillRate must be >= 1 but was " + backfillRate);
            check(stepEvery.toMillis() >= 1, "stepEvery must be at least 1 ms but was " + stepEvery);
            check(
                    flipLead.toMillis() >= 300,
                    "flipLead must be at least 300 ms (the poll interval and more) but was " + flipLead);
            check(settle.toMillis() >= 100, "settle must be at least 100 ms but was " + settle);
        }

        /**
         * The run of the given size: 3,000 orders and 3 near-duplicates per unit, 12 services.
         *
         * @throws IllegalArgumentException when {@code size} is not 1 to 100
         */
        public static Options ofSize(int size) {
            check(size >= 1 && size <= 100, "size must be 1 to 100 but was " + size);
            return new Options(
                    3_000 * size,
                    3 * size,
                    12,
                    800 * size,
                    Duration.ofMillis(40),
                    Duration.ofSeconds(3),
                    Duration.ofMillis(1_500));
        }

        private static void check(boolean holds, String problem) {
            if (!holds) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    private final Options options;
    private final LiveStatus status;
    private final MigrationReport report = new MigrationReport("Migration 2: a DynamoDB primary-key change");
    private final FlipWatch watch;
    private final RekeyReport facts = new RekeyReport(report);
    /** What the fleet view showed after each flip, in flip order. */
    private final List<StageSwitch.FleetReport> flipViews = new ArrayList<>();

    private RekeyMigration(Options options, LiveStatus status) {
        this.options = options;
        this.status = status;
        this.watch = new FlipWatch(options.services());
    }

    /**
     * Runs the migration at {@code size} (1 to 100; see the class comment for what scales).
     *
     * @return the report: clean when nothing was lost or differs and the fleet flipped in unison
     */
    public static MigrationReport run(int size, LiveStatus status) throws Exception {
        return run(Options.ofSize(size), status);
    }

    /** Runs the migration with explicit options, such as a smaller one for a test. */
    public static MigrationReport run(Options options, LiveStatus status) throws Exception {
        return new RekeyMigration(options, status).run();
    }

    /** Runs it standalone: {@code [size]}, default 1; exits 1 when the report is not clean. */
    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        MigrationReport result = null;
        try (LiveStatus status = new LiveStatus(System.out, System.console() != null)) {
            result = run(size, status);
        } catch (Exception e) {
            System.err.println("the re-key migration could not run: " + e);
            e.printStackTrace(System.err);
        }
        if (result != null) {
            result.print(System.out);
        }
        System.exit(result == null ? 2 : result.clean() ? 0 : 1); // DynamoDB Local leaves non-daemon threads behind
    }

    private MigrationReport run() throws Exception {
        long started = System.nanoTime();
        Path dump = Files.createTempFile("orders-dump-", ".json");
        status.phase("starting DynamoDB Local (in-process, with Streams)", () -> millis(started) / 1000 + " s");
        try (EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.start()) {
            report.fact("DynamoDB Local started in", millis(started) + " ms");
            OldTable old = new OldTable(dynamoDb.client());
            DirtyKeys keys = DirtyKeys.generate(options.orders(), options.nearDuplicates(), 2018);
            Map<String, Long> versions = seed(old, keys);
            String streamArn = old.enableStream();

            DynamoDbFlagStore flags = StageSwitch.createFlagTable(dynamoDb.client());
            try (flags;
                    DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(dynamoDb.client(), "orders-v2")
                            .segments(4)
                            .build();
                    StreamSync sync = new StreamSync(dynamoDb.client(), dynamoDb.streams(), streamArn, target, KEYS);
                    ServiceFleet fleet = new ServiceFleet(
                            options.services(),
                            dynamoDb,
                            old,
                            new NewTable(target, KEYS),
                            keys.live(),
                            versions,
                            watch,
                            options.stepEvery())) {
                target.createTableIfMissing();
                sync.start();
                fleet.start();
                MissedWriteReplay repair = new MissedWriteReplay(fleet.journal(), old, target, KEYS);
                StageSwitch stage = new StageSwitch(flags, fleet, watch, repair);
                report.fact(
                        "services",
                        fleet.size() + " (each its own flag client and dual-write proxy; 2 follow the"
                                + " flag table's stream, 10 poll it every 250 ms)");

                dump(old, dump, fleet, sync);
                BackfillResult backfill = backfill(dump, target, keys, fleet, sync);
                report.expect(
                        sync.awaitCaughtUp(old.streamRecords(), BOUND),
                        "the stream did not catch up after the backfill");

                status.phase("dual writes, then shadow reads", () -> traffic(fleet, sync));
                move(stage, Stage.DUAL_WRITE);
                move(stage, Stage.SHADOW);
                ReconciliationReport before =
                        reconcile("reconciliation while the services run", old, target, fleet, sync);
                facts.check("reconciliation before the flips", before, keys);

                status.phase("flips in unison, scheduled by effectiveAt", () -> traffic(fleet, sync));
                List<FlipWatch.Result> flips = List.of(
                        flip(stage, Stage.SHADOW, Stage.LIVE),
                        flip(stage, Stage.LIVE, Stage.SHADOW),
                        flip(stage, Stage.SHADOW, Stage.LIVE));

                status.phase("traffic stopped; the stream catches up", () -> traffic(fleet, sync));
                fleet.stop(Duration.ofSeconds(10));
                repair.run(); // shadow writes the old table missed since the last flip, before comparing
                report.expect(
                        sync.awaitCaughtUp(old.streamRecords(), BOUND),
                        "the stream did not catch up after the traffic stopped");
                ReconciliationReport after = reconcile("final reconciliation", old, target, fleet, sync);

                facts.finish(keys, backfill, fleet, sync, repair, before, flips, flipViews, after);
            }
        } finally {
            Files.deleteIfExists(dump);
        }
        report.fact("runtime", String.format("%.1f s", (System.nanoTime() - started) / 1e9));
        return report;
    }

    /** Writes every order at version 1 to 3, before the stream exists: the table's history. */
    private Map<String, Long> seed(OldTable old, DirtyKeys keys) {
        AtomicLong written = new AtomicLong();
        int total = keys.all().size();
        status.phase(
                "seeding the old table: " + total + " orders, ids as people typed them",
                () -> LiveStatus.bar(written.get(), total) + "  " + written.get() + " orders");
        old.create();
        Map<String, Long> versions = old.seed(keys.all(), new Random(1022), written);
        report.fact(
                "old table",
                String.format(
                        "%,d orders; %,d ids with invisible or look-alike characters;" + " %d near-duplicate pairs",
                        total, keys.dirtyCount(), keys.nearDuplicates().size()));
        return versions;
    }

    /** Dumps the old table while the services already write to it (and its stream is on). */
    private void dump(OldTable old, Path file, ServiceFleet fleet, StreamSync sync) throws Exception {
        AtomicLong lines = new AtomicLong();
        long items = old.items();
        status.phase(
                "dump of the old table (typed DynamoDB JSON lines)",
                () -> LiveStatus.bar(lines.get(), items) + "  " + lines.get() + " lines | " + traffic(fleet, sync));
        DumpWriter.write(old.dynamoDb(), OldTable.NAME, file, lines);
        report.fact("dump", String.format("%,d lines, %,d bytes", lines.get(), Files.size(file)));
    }

    /** Seeds the new table from the dump, normalizing every key; collisions are held back. */
    private BackfillResult backfill(
            Path dump, DynamoDbVersionedTarget target, DirtyKeys keys, ServiceFleet fleet, StreamSync sync)
            throws Exception {
        DumpBackfill backfill = new DumpBackfill(dump, target, KEYS, options.backfillRate());
        long lines = backfill.lines();
        status.phase("backfill from the dump into the new table (keys normalized)", () -> {
            BackfillCounts c = backfill.progress();
            return LiveStatus.bar(c.read(), lines)
                    + String.format(
                            "  %,d lines, %,d keys normalized, %d collisions | ",
                            c.read(), backfill.normalized(), c.collisions())
                    + traffic(fleet, sync);
        });
        BackfillResult result = backfill.run();
        BackfillCounts c = result.counts();
        report.fact(
                "dump lines backfilled",
                String.format(
                        "%,d of %,d: %,d applied, %,d superseded (newer live write)," + " %,d duplicate, %,d rejected",
                        c.read(), lines, c.applied(), c.superseded(), c.duplicate(), c.rejected()));
        report.fact(
                "keys normalized",
                String.format(
                        "%,d of %,d lines (NFKC, zero-width and control characters" + " stripped, trimmed)",
                        backfill.normalized(), lines));
        report.fact(
                "collisions",
                result.collisions().size() + " (two old ids, one new key: the first applied, the"
                        + " other held back for a person to decide)");
        int n = 0;
        for (BackfillCollision collision : result.collisions()) {
            if (++n > 10) {
                report.fact("  ...", (result.collisions().size() - 10) + " more in the backfill result");
                break;
            }
            report.fact(
                    "  collision " + n,
                    DirtyKeys.visible(collision.firstKey()) + " and " + DirtyKeys.visible(collision.collidingKey())
                            + " -> " + DirtyKeys.visible(collision.newKey()));
        }
        report.expect(result.status() == BackfillResult.Status.COMPLETED, "backfill ended " + result.status());
        report.expect(c.rejected() == 0, c.rejected() + " dump lines rejected");
        report.expect(
                RekeyReport.pairs(result.collisions().stream().map(x -> Set.of(x.firstKey(), x.collidingKey())))
                        .equals(RekeyReport.nearDuplicates(keys)),
                "backfill collisions " + result.collisions() + " are not exactly the "
                        + keys.nearDuplicates().size() + " near-duplicates " + keys.nearDuplicates());
        return result;
    }

    /** Moves the stage one step, at once, and waits for every service to have it. */
    private void move(StageSwitch stage, Stage to) throws Exception {
        Optional<Duration> held = stage.move(to, BOUND);
        String outcome = held.map(d -> "held by every service after " + d.toMillis() + " ms")
                .orElse("not held by every service within " + BOUND.toSeconds() + " s");
        status.note("stage -> " + to + ": " + outcome + " (each at its own refresh; neighbouring stages agree on"
                + " where writes land)");
        report.fact("stage -> " + to, outcome + " (fleet view)");
        report.expect(held.isPresent(), "the fleet did not pick up " + to + " within " + BOUND.toSeconds() + " s");
        fleetView(stage, to);
    }

    /** One flip published at least {@link Options#flipLead()} ahead, watched at every service. */
    private FlipWatch.Result flip(StageSwitch stage, Stage from, Stage to) throws Exception {
        Duration lead = stage.lead(options.flipLead());
        status.note(from + " -> " + to + " published, effective " + lead.toMillis() + " ms from now");
        FlipWatch.Result r = stage.flip(from, to, lead, options.settle(), BOUND);
        StageSwitch.FleetReport seen = stage.fleetOn(to, BOUND);
        status.note("fleet view: " + seen);
        flipViews.add(seen);
        status.note(String.format(
                "%s -> %s at %s: held by every service %d ms before; %d of %d read on %s, the"
                        + " last %s after the instant; %d reads on a mixed stage",
                from,
                to,
                r.effectiveAt(),
                r.heldBefore().toMillis(),
                r.servicesAgreed(),
                r.services(),
                to,
                r.agreedWithin() == null ? "never" : r.agreedWithin().toMillis() + " ms",
                r.lateReads() + r.earlyReads()));
        return r;
    }

    /** Reports what the services' heartbeats show after a move to {@code to}; every one must report it. */
    private void fleetView(StageSwitch stage, Stage to) throws Exception {
        StageSwitch.FleetReport seen = stage.fleetOn(to, BOUND);
        status.note("fleet view: " + seen);
        report.fact("  fleet view", seen.toString());
        report.expect(seen.all(), "the fleet view does not show every service on " + to + ": " + seen);
    }

    private ReconciliationReport reconcile(
            String phase, OldTable old, DynamoDbVersionedTarget target, ServiceFleet fleet, StreamSync sync)
            throws Exception {
        LongAdder rows = new LongAdder();
        // Each side is read once; the hash buckets holding the near-duplicates always differ, so each
        // side is read a second time for the rows of those buckets.
        long expected = (options.nearDuplicates() > 0 ? 4 : 2) * old.items();
        status.phase(
                phase,
                () -> LiveStatus.bar(rows.sum(), expected)
                        + String.format("  %,d rows read | ", rows.sum())
                        + traffic(fleet, sync));
        // A key written while the scans ran differs until the stream has copied the write: re-read
        // each difference once the stream has delivered everything the old table had written by then.
        AtomicBoolean caughtUp = new AtomicBoolean();
        KeyReader newSide = key -> {
            if (caughtUp.compareAndSet(false, true)) {
                sync.awaitCaughtUp(old.streamRecords(), BOUND);
            }
            return target.read(key);
        };
        return Reconciler.between(new CountingSource(old.scan(4), rows), new CountingSource(target, rows))
                .transform(row -> Optional.of(KEYS.normalize(row))) // old rows in the new key space
                .recheck(old::read, newSide)
                .recheckAfter(Duration.ZERO)
                .pageSize(250) // short scans leave room for the traffic
                .run();
    }

    /** The live counters shown under every phase once the services run. */
    private static String traffic(ServiceFleet fleet, StreamSync sync) {
        return String.format(
                "%s | reads %,d writes %,d | stream %,d | mismatches %d | errors %d",
                fleet.stages(),
                fleet.reads(),
                fleet.writes(),
                sync.counts().records(),
                fleet.comparisons(ComparisonReport.Outcome.MISMATCH),
                fleet.errors());
    }

    private static long millis(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
