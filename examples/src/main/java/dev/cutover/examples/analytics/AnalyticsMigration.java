package dev.cutover.examples.analytics;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.examples.CountingSource;
import dev.cutover.examples.LiveStatus;
import dev.cutover.examples.MigrationReport;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.replication.MirrorFailure;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.spi.SegmentedSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Migration 1: the presentation app's analytics move from its event collection to a star-schema
 * warehouse while the app keeps writing, and nothing of the app changes. In order:
 *
 * <ol>
 *   <li><b>History.</b> The app runs with the mirror flag off: its events are only in the old store.
 *   <li><b>Observer.</b> The flag goes on; the {@link Mirror} wrapped around the app's listener maps
 *       every event to a versioned change (the event's sequence number is the version; a delete
 *       is a tombstone) and sends it through a queue that reorders and redelivers ({@link
 *       ShufflingQueue}; with {@code --queue sqs} a real SQS queue on an in-process ElasticMQ) into
 *       the {@link StarSchema}, one table per entity type.
 *   <li><b>Backfill.</b> The entities that existed before are copied at the version they have,
 *       while the app goes on writing; the versioned apply lets the newer write win either way.
 *   <li><b>Stages.</b> A {@link DualWrite} proxy of the {@link Analytics} API moves, by a stage flag
 *       in the same flag store, through SHADOW (old answers, warehouse compared; its first run finds
 *       two explained differences of form, fixed with normalizers), LIVE, a rollback to SHADOW,
 *       LIVE again, RAMP_DOWN and NEW_ONLY.
 *   <li><b>Proof.</b> Traffic stops, the queue drains, and the {@link Reconciler} compares every
 *       entity of the old store with the warehouse: nothing missing, extra or different.
 * </ol>
 *
 * <p><b>Size.</b> {@code size} scales the history (12,000 events and 400 viewers per unit); the live
 * traffic (300 user actions a second) and the reads per stage (16) do not. Time grows about
 * linearly with the size: the history is one INSERT per event, and in SHADOW the old analytics
 * replay the whole history on every call. Measured on two cores: size 1 ends with about 19,000
 * events in 25 s including PostgreSQL's start, size 5 with about 75,000 in 56 s, size 10 with about
 * 160,000 in 130 s; on a machine busy with other work, size 1 took up to 110 s.
 */
public final class AnalyticsMigration {
    static final String MIRROR_FLAG = "analytics.mirror";

    /**
     * How big a run is.
     *
     * @param historyEvents events the app writes before mirroring starts, at least 100
     * @param viewers registered viewers, at least 10
     * @param trafficPerSecond user actions per second while migrating, 10 to 10,000
     * @param readsPerStage analytics reads in each stage that compares, at least 3
     * @param seed the seed of the users' choices and of the queue's shuffles
     * @param queue the mirror's queue: in-process (shuffling, redelivering) or SQS
     */
    public record Options(
            int historyEvents,
            int viewers,
            int trafficPerSecond,
            int readsPerStage,
            long seed,
            MirrorQueue.Kind queue) {
        public Options {
            check("historyEvents", historyEvents, 100, Integer.MAX_VALUE);
            check("viewers", viewers, 10, Integer.MAX_VALUE);
            check("trafficPerSecond", trafficPerSecond, 10, 10_000);
            check("readsPerStage", readsPerStage, 3, Integer.MAX_VALUE);
            java.util.Objects.requireNonNull(queue, "queue");
        }

        /** Options with the in-process queue. */
        public Options(int historyEvents, int viewers, int trafficPerSecond, int readsPerStage, long seed) {
            this(historyEvents, viewers, trafficPerSecond, readsPerStage, seed, MirrorQueue.Kind.IN_PROCESS);
        }

        /** These options with the mirror's changes on an SQS queue (ElasticMQ in-process). */
        public Options onSqs() {
            return new Options(historyEvents, viewers, trafficPerSecond, readsPerStage, seed, MirrorQueue.Kind.SQS);
        }

        /** The options of a scale factor from 1 (the default) to 100. */
        public static Options ofSize(int size) {
            check("size", size, 1, 100);
            return new Options(12_000 * size, 400 * size, 300, 16, 20_240_501L);
        }

        private static void check(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be " + min + " to " + max + " but was " + value);
            }
        }
    }

    private final Options options;
    private final LiveStatus status;
    private final MigrationReport report =
            new MigrationReport("Migration 1: analytics from an event collection to a star-schema warehouse");
    private final LongAdder eventsSeen = new LongAdder();
    private final ConcurrentLinkedQueue<MirrorFailure> mirrorFailures = new ConcurrentLinkedQueue<>();
    private final long started = System.nanoTime();
    private long historyEvents;
    private long historyActions;
    private long readErrors;

    private AnalyticsMigration(Options options, LiveStatus status) {
        this.options = options;
        this.status = status;
    }

    /**
     * Runs the migration at a scale factor from 1 to 100; see the class comment for counts and time.
     *
     * @return the facts of the run, and a problem for anything lost, different or failed
     */
    public static MigrationReport run(int size, LiveStatus status) throws Exception {
        return run(Options.ofSize(size), status);
    }

    /** Runs the migration with explicit options (smaller ones for tests). */
    public static MigrationReport run(Options options, LiveStatus status) throws Exception {
        return new AnalyticsMigration(options, status).migrate();
    }

    /** Runs the migration at the size given as the first argument (default 1); exits 1 unless clean. */
    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        MigrationReport result;
        try (LiveStatus status = new LiveStatus(System.out, System.console() != null)) {
            result = run(size, status);
        }
        result.print(System.out);
        System.exit(result.clean() ? 0 : 1);
    }

    /** An event as a versioned change of its entity: the mirror's mapping. */
    static Change toChange(Event e) {
        return e.data() == null ? Change.delete(e.entityId(), e.seq()) : Change.upsert(e.entityId(), e.seq(), e.data());
    }

    private MigrationReport migrate() throws Exception {
        status.phase(
                "starting PostgreSQL: old event store, warehouse, flags", () -> millisSince(started) / 1000 + " s");
        try (Database db = Database.start(12)) {
            report.fact("PostgreSQL started in", millisSince(started) + " ms");
            EventStore events = new EventStore(db.pool());
            events.createSchema();
            StarSchema warehouse = StarSchema.create(db.pool());
            JdbcFlagStore flagStore = JdbcFlagStore.builder(db.pool()).build();
            flagStore.createSchemaIfMissing();
            flagStore.put(
                    Flag.booleanFlag(MIRROR_FLAG, false), 0, audit("mirror stays off until the warehouse is ready"));
            flagStore.put(
                    StageFlag.definition(StageWalk.STAGE_FLAG, Stage.OLD_ONLY), 0, audit("the old analytics answer"));
            try (MirrorQueue queue = MirrorQueue.open(options.queue(), options.seed());
                    FlagClient flags = FlagClient.builder(flagStore)
                            .pollInterval(Duration.ofMillis(500))
                            .build();
                    Mirror<Event> mirror = Mirror.to(warehouse)
                            .mapping((Event e) -> List.of(toChange(e)))
                            .name("analytics-warehouse")
                            .gate(flags, MIRROR_FLAG) // on and off at runtime, like the story's feature flag
                            .queue(queue.queue())
                            .workers(2)
                            .batchSize(200)
                            .onFailure(mirrorFailures::add) // none expected; each would name its key
                            .build()) {
                // The app's own listener (in production: pushes the new state to the screens), wrapped by the
                // mirror. This line is the only change to the app's wiring; the app's code stays as it is.
                Consumer<Event> screens = e -> eventsSeen.increment();
                PresentationApp app = new PresentationApp(
                        events, new SimulatedClock(Instant.parse("2024-05-01T08:00:00Z")), mirror.tap(screens));
                Traffic traffic = new Traffic(app, options.seed(), options.viewers());
                try {
                    history(traffic);
                    observe(flagStore, flags, mirror, traffic);
                    backfill(db, events, warehouse, mirror, traffic, queue);
                    stages(flagStore, flags, events, db, mirror, traffic);
                } finally {
                    traffic.stop();
                }
                drain(mirror, queue, traffic);
                reconcile(db, events, warehouse);
                long errors = traffic.errors() + readErrors;
                report.fact(
                                "mirror queue",
                                options.queue() == MirrorQueue.Kind.SQS
                                        ? "SQS (ElasticMQ in-process)"
                                        : "in-process, reordering and redelivering")
                        .fact("events written", events.count())
                        .fact("errors seen by the application", errors)
                        .fact("elapsed", millisSince(started) / 1000 + " s");
                report.expect(errors == 0, errors + " errors seen by the application; first: " + traffic.firstError());
            } finally {
                flagStore.close();
            }
        }
        return report;
    }

    private void history(Traffic traffic) {
        long target = options.historyEvents();
        status.phase(
                "1/6 history: the app writes, the mirror flag is off",
                () -> "events " + eventsSeen.sum() + " " + LiveStatus.bar(eventsSeen.sum(), target));
        long t0 = System.nanoTime();
        traffic.runUntil(() -> eventsSeen.sum() >= target);
        historyEvents = eventsSeen.sum();
        historyActions = traffic.actions();
        report.fact("events before mirroring (history)", historyEvents).fact("history time", millisSince(t0) + " ms");
    }

    private void observe(JdbcFlagStore flagStore, FlagClient flags, Mirror<Event> mirror, Traffic traffic)
            throws Exception {
        status.phase(
                "2/6 observer: mirror flag on, app traffic continues",
                () -> "events " + eventsSeen.sum() + " | mirrored "
                        + mirror.counts().mirrored());
        RawFlag off = flagStore.get(MIRROR_FLAG).orElseThrow();
        long flipped = System.nanoTime();
        flagStore.put(Flag.booleanFlag(MIRROR_FLAG, true), off.version(), audit("start feeding the warehouse"));
        report.expect(await(Duration.ofSeconds(10), mirror::enabled), "the mirror did not see its flag on within 10 s");
        status.note(MIRROR_FLAG + " -> on; the mirror saw it after " + millisSince(flipped) + " ms");
        traffic.start(options.trafficPerSecond());
    }

    private void backfill(
            Database db,
            EventStore events,
            StarSchema warehouse,
            Mirror<Event> mirror,
            Traffic traffic,
            MirrorQueue queue)
            throws Exception {
        CurrentStates old = new CurrentStates(events, db.pool());
        long estimate = old.count();
        // Started after the mirror is on: every entity changed before that is read here, every change
        // after it reaches the warehouse through the mirror; where both carry one, the newer version wins.
        try (Backfill backfill = Backfill.from(old.source(8))
                .to(warehouse)
                .name("analytics-warehouse")
                .checkpoints(JdbcCheckpointStore.builder(db.pool(), "analytics_warehouse")
                        .build())
                .workers(2)
                .batchSize(500)
                .estimatedRows(estimate)
                .build()) {
            status.phase("3/6 backfill: entities that existed before mirroring, traffic continues", () -> {
                BackfillCounts c = backfill.progress().counts();
                return "rows " + c.read() + " " + LiveStatus.bar(c.read(), estimate) + " | traffic " + traffic.actions()
                        + " actions | mirrored " + mirror.counts().mirrored() + ", queued " + queue.depth();
            });
            BackfillResult result = backfill.run();
            BackfillCounts c = result.counts();
            report.fact("entities live when the backfill started", estimate)
                    .fact("backfill: rows read", c.read())
                    .fact("rows backfilled", c.applied())
                    .fact("rows already newer in the warehouse (superseded)", c.superseded())
                    .fact("rows already there (duplicate)", c.duplicate())
                    .fact("backfill time", result.duration().toMillis() + " ms");
            report.expect(result.status() == BackfillResult.Status.COMPLETED, "backfill ended " + result.status())
                    .expect(
                            c.rejected() + c.collisions() == 0,
                            "backfill rejected " + c.rejected() + " rows, " + c.collisions() + " collisions");
        }
    }

    private void stages(
            JdbcFlagStore flagStore,
            FlagClient flags,
            EventStore events,
            Database db,
            Mirror<Event> mirror,
            Traffic traffic)
            throws Exception {
        long t0 = System.nanoTime();
        StageWalk walk = new StageWalk(
                flagStore,
                flags,
                new OldAnalytics(events),
                new NewAnalytics(db.pool()),
                traffic,
                () -> "mirrored " + mirror.counts().mirrored(),
                status,
                report,
                options.readsPerStage(),
                options.seed());
        walk.run();
        readErrors = walk.readErrors();
        report.fact("stages time", millisSince(t0) / 1000 + " s");
    }

    private void drain(Mirror<Event> mirror, MirrorQueue queue, Traffic traffic) {
        status.phase("5/6 traffic stops; the queue drains", () -> "queued " + queue.depth());
        boolean quiet = mirror.awaitQuiet(Duration.ofSeconds(60));
        report.expect(quiet, "the mirror did not drain within 60 s: " + queue.depth() + " changes still queued");
        report.fact("events while migrating", eventsSeen.sum() - historyEvents)
                .fact("user actions while migrating", traffic.actions() - historyActions);
        MirrorCounts m = mirror.counts();
        long deliveries = m.mirrored() + queue.redelivered();
        report.fact("mirror: events skipped while the flag was off", m.skipped())
                .fact("changes mirrored", m.mirrored())
                .fact("redelivered by the queue", queue.redelivered())
                .fact("deliveries (mirrored + redelivered)", deliveries)
                .fact("applied", m.applied())
                .fact("superseded (a newer version was there)", m.superseded())
                .fact("duplicates", m.duplicate())
                .fact("dropped or failed", m.dropped() + m.failed());
        report.expect(
                        m.applied() + m.superseded() + m.duplicate() == deliveries,
                        "applied + superseded + duplicates = " + (m.applied() + m.superseded() + m.duplicate())
                                + " but " + deliveries + " changes were delivered")
                .expect(
                        m.dropped() + m.failed() + m.unmapped() == 0,
                        "the mirror lost " + (m.dropped() + m.failed()) + " changes and could not map " + m.unmapped()
                                + " events; first: " + mirrorFailures.peek());
    }

    private void reconcile(Database db, EventStore events, StarSchema warehouse) throws Exception {
        CurrentStates old = new CurrentStates(events, db.pool());
        long total = old.count() + warehouseRows(db);
        LongAdder rows = new LongAdder();
        status.phase(
                "6/6 reconciliation: every entity, old store vs warehouse",
                () -> "rows " + rows.sum() + " " + LiveStatus.bar(rows.sum(), total));
        // both sides counted, for the progress bar; re-checks read one key of each side again
        SegmentedSource oldSide = new CountingSource(old.source(8), rows);
        ReconciliationReport r = Reconciler.between(oldSide, new CountingSource(warehouse, rows))
                .recheck(old::read, warehouse::read)
                .run();
        ReconciliationReport.Counts c = r.counts();
        report.fact("reconciliation: old entities / warehouse rows", c.oldRows() + " / " + c.newRows())
                .fact("missing in warehouse", c.missingInNew())
                .fact("extra in warehouse", c.extraInNew())
                .fact("different", c.different())
                .fact("reconciliation time", r.duration().toMillis() + " ms");
        report.expect(
                r.clean() && c.errors() == 0,
                "reconciliation found " + c.missingInNew() + " missing, " + c.extraInNew() + " extra, " + c.different()
                        + " different, " + c.errors() + " errors: " + r.summary());
    }

    private static long warehouseRows(Database db) throws SQLException {
        long rows = 0;
        try (Connection c = db.pool().getConnection();
                Statement s = c.createStatement()) {
            for (String prefix : StarSchema.columnsByPrefix().keySet()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + StarSchema.tableOf(prefix))) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
        }
        return rows;
    }

    private static AuditInfo audit(String why) {
        return new AuditInfo("analytics-ops", why);
    }

    static boolean await(Duration bound, BooleanSupplier condition) {
        long end = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            LockSupport.parkNanos(2_000_000L);
        }
        return true;
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
