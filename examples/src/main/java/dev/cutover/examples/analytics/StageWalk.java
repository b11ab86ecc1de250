package dev.cutover.examples.analytics;

import dev.cutover.compare.Comparison;
import dev.cutover.compare.ComparisonResult;
import dev.cutover.compare.Difference;
import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.examples.LiveStatus;
import dev.cutover.examples.MigrationReport;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Step 4 of the migration: the analytics API behind a {@link DualWrite} proxy, moved stage by stage
 * by an operator writing the stage flag with {@link StageFlag}, while the reporting screens keep
 * reading and the app keeps writing. The route: OLD_ONLY, DUAL_WRITE, SHADOW with a strict
 * comparison (its explained differences lead to two normalizers, deployed as a rebuilt proxy),
 * SHADOW again, LIVE, a rollback to SHADOW, LIVE, RAMP_DOWN, NEW_ONLY.
 */
final class StageWalk {
    static final String STAGE_FLAG = "analytics.migration";
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final long READ_PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(150);
    private static final int TOP = 5;
    private static final Comparison STRICT = Comparison.defaults();
    private static final Comparison NORMALIZED = normalizedComparison();

    private final WritableFlagStore flagStore;
    private final FlagClient flags;
    private final Analytics old;
    private final Analytics warehouse;
    private final Traffic traffic;
    private final Supplier<String> mirrorStatus;
    private final LiveStatus status;
    private final MigrationReport report;
    private final int reads;
    /** The proxy's journal; a move past SHADOW reads its gaps. */
    private final InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();

    private final long seed;
    private final ShadowDashboard dashboard = new ShadowDashboard();
    private final List<String> stages = new ArrayList<>(List.of(Stage.OLD_ONLY.name()));
    private final AtomicLong readErrors = new AtomicLong();

    StageWalk(
            WritableFlagStore flagStore,
            FlagClient flags,
            Analytics old,
            Analytics warehouse,
            Traffic traffic,
            Supplier<String> mirrorStatus,
            LiveStatus status,
            MigrationReport report,
            int reads,
            long seed) {
        this.flagStore = flagStore;
        this.flags = flags;
        this.old = old;
        this.warehouse = warehouse;
        this.traffic = traffic;
        this.mirrorStatus = mirrorStatus;
        this.status = status;
        this.report = report;
        this.reads = reads;
        this.seed = seed;
    }

    /** The comparison with the normalizers for the two explained differences of form. */
    static Comparison normalizedComparison() {
        return Comparison.builder()
                .numericScale(2) // the warehouse's exact NUMERIC averages vs the old doubles
                .unorderedArrays("/countries") // the old HashMap order vs the warehouse's ORDER BY
                .recheckAfter(RECHECK)
                .build();
    }

    /** Report reads that threw, as the screens saw them. */
    long readErrors() {
        return readErrors.get();
    }

    void run() throws Exception {
        // First the comparison as strict as it comes: every difference is reported, and looked at.
        Analytics analytics = proxy(Comparison.builder().recheckAfter(RECHECK).build());
        status.phase(
                "4/6 stages: the analytics API behind a dual-read proxy",
                () -> "stage " + stages.get(stages.size() - 1));
        move(DualWrite.control(analytics), Stage.DUAL_WRITE, "the API has no writes: nothing changes for it");
        read("DUAL_WRITE", false, analytics, reads / 3);
        move(DualWrite.control(analytics), Stage.SHADOW, "compare the warehouse with every report");
        read("SHADOW, strict comparison", true, analytics, reads);
        DualWrite.control(analytics).close(Duration.ofSeconds(10));

        // The differences found are of form, not of content (see ShadowDashboard.EXPLAINED): the
        // normalizers say so, and the proxy is rebuilt with them (in production: a deploy).
        analytics = proxy(normalizedComparison());
        DualWriteControl control = DualWrite.control(analytics);
        status.note("normalizers deployed: numericScale(2), unorderedArrays(\"/countries\")");
        read("SHADOW, normalized", false, analytics, reads);
        move(control, Stage.LIVE, "shadow reads clean");
        read("LIVE", false, analytics, reads);
        move(control, Stage.SHADOW, "rollback drill: the old analytics answer again, at once");
        read("SHADOW after the rollback", false, analytics, reads);
        move(control, Stage.LIVE, "drill done");
        read("LIVE again", false, analytics, reads);
        move(control, Stage.RAMP_DOWN, "the warehouse answers; stop comparing");
        read("RAMP_DOWN", false, analytics, reads / 3);
        move(control, Stage.NEW_ONLY, "the old analytics are retired");
        read("NEW_ONLY", false, analytics, reads / 3);
        control.close(Duration.ofSeconds(10));
        facts();
    }

    private Analytics proxy(Comparison comparison) {
        return DualWrite.of(Analytics.class)
                .oldStore(old)
                .newStore(warehouse)
                .stageFlag(flags, STAGE_FLAG)
                .entityKey("listTopPresentations", args -> null) // a ranking is about no one presentation
                .comparison(comparison)
                .listener(dashboard)
                .shadowThreads(2)
                .shadowTimeout(Duration.ofSeconds(10)) // the old side replays the whole history
                .journal(journal) // the API has no writes: nothing to journal
                .build();
    }

    /** Moves the stage flag one step, as an operator does, and waits until the proxy serves it. */
    private void move(DualWriteControl control, Stage to, String why) throws Exception {
        Stage from = control.stage(null);
        boolean back = to.ordinal() < from.ordinal();
        AuditInfo audit = new AuditInfo("analytics-ops", why);
        long t0 = System.nanoTime();
        if (back) {
            StageFlag.rollBack(flagStore, STAGE_FLAG, audit);
        } else {
            StageFlag.advance(flagStore, STAGE_FLAG, audit, journal); // refused while the journal has an open gap
        }
        boolean served = AnalyticsMigration.await(Duration.ofSeconds(10), () -> control.stage(null) == to);
        report.expect(served, "the proxy did not serve " + to + " within 10 s of the flag write");
        stages.add(to.name() + (back ? " (rollback)" : ""));
        status.note(from + " -> " + to + (back ? " (ROLLBACK)" : "") + ": " + why + "; served after "
                + AnalyticsMigration.millisSince(t0) + " ms");
    }

    /** The reporting screens: {@code count} paced calls of the API through the proxy. */
    private void read(String stage, boolean strict, Analytics analytics, int count) throws InterruptedException {
        ShadowDashboard.Run run = dashboard.startRun(stage, strict);
        AtomicLong done = new AtomicLong();
        status.phase(
                "4/6 stages: " + stage,
                () -> "reads " + LiveStatus.bar(done.get(), count) + " | compared "
                        + run.compared() + ", mismatches " + run.count(Outcome.MISMATCH) + ", in flux "
                        + run.count(Outcome.CHANGED)
                        + " | traffic " + traffic.actions() + " actions, " + mirrorStatus.get());
        SplittableRandom random = new SplittableRandom(seed + dashboard.runs().size());
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int r = random.nextInt(100);
            // mostly reports of ended presentations, as the story's users read them; some of live ones
            String presentation = traffic.pickPresentation(random, random.nextInt(100) < 80);
            try {
                if (r < 20 || presentation == null) {
                    analytics.listTopPresentations(TOP);
                } else if (r < 60) {
                    analytics.getReport(presentation);
                } else {
                    analytics.listViewersByCountry(presentation);
                }
            } catch (RuntimeException e) {
                readErrors.incrementAndGet();
                report.problem("a report read failed in " + stage + ": " + e);
            }
            done.incrementAndGet();
            next += READ_PACE_NANOS;
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
        // the comparisons of this run, re-checks included, end before the next flag move
        report.expect(
                DualWrite.control(analytics).awaitIdle(Duration.ofSeconds(60)),
                "comparisons of " + stage + " did not finish within 60 s");
        sort(run, old, warehouse, 10, Duration.ofMillis(300));
    }

    /**
     * Compares the answers of each mismatch of a run again, straight from both sides, up to {@code
     * attempts} times {@code pause} apart (a presentation still on the air may be changing), and
     * sorts it (see {@link ShadowDashboard}).
     */
    static void sort(ShadowDashboard.Run run, Analytics old, Analytics warehouse, int attempts, Duration pause) {
        for (ComparisonReport mismatch : run.mismatches()) {
            List<Difference> now = List.of();
            boolean sorted = false;
            for (int attempt = 0; attempt < attempts && !sorted; attempt++) {
                if (attempt > 0) {
                    LockSupport.parkNanos(pause.toNanos());
                }
                Object oldAnswer = ask(old, mismatch);
                Object newAnswer = ask(warehouse, mismatch);
                ComparisonResult normalized = NORMALIZED.compare(oldAnswer, newAnswer);
                if (!normalized.matches()) {
                    now = normalized.differences();
                    continue;
                }
                ComparisonResult strict = STRICT.compare(oldAnswer, newAnswer);
                ShadowDashboard.Explanation why =
                        strict.matches() ? null : ShadowDashboard.explanation(mismatch.method(), strict.differences());
                if (run.strict && why != null) {
                    run.explained(why);
                } else {
                    run.settled();
                }
                sorted = true;
            }
            if (!sorted) {
                run.unexplained(mismatch, now);
            }
        }
    }

    /** The read a report was about, asked again. */
    private static @Nullable Object ask(Analytics analytics, ComparisonReport report) {
        String presentation = String.valueOf(report.entityKey());
        return switch (report.method()) {
            case "getReport" -> analytics.getReport(presentation);
            case "listViewersByCountry" -> analytics.listViewersByCountry(presentation);
            case "listTopPresentations" -> analytics.listTopPresentations(TOP);
            default -> throw new IllegalStateException("the screens make no read '" + report.method() + "'");
        };
    }

    /** What the comparisons found, run by run, and the way the stage flag went. */
    private void facts() {
        for (ShadowDashboard.Run run : dashboard.runs()) {
            if (run.compared() == 0) {
                continue;
            }
            report.fact(
                    "comparisons in " + run.label,
                    run.compared() + " (mismatches " + run.count(Outcome.MISMATCH) + ", in flux "
                            + run.count(Outcome.CHANGED) + ")");
            run.explanations()
                    .forEach((why, n) -> report.fact("  " + n + " x " + why.method() + " " + why.shown(), why.why()));
            if (run.settledCount() > 0) {
                report.fact(
                        "  " + run.settledCount() + " x settled",
                        "equal when compared again: the warehouse's feed" + " had lagged past the re-check");
            }
            report.expect(
                            run.unexplained().isEmpty(),
                            "unexplained mismatches in " + run.label + ": " + run.unexplained())
                    .expect(run.count(Outcome.ERROR) == 0, "comparison errors in " + run.label);
        }
        report.fact(
                "report latency, median old vs warehouse",
                String.format("%.1f ms vs %.1f ms", dashboard.medianOldMillis(), dashboard.medianNewMillis()));
        report.fact("stage changes", String.join(" > ", stages));
        report.expect(stages.stream().anyMatch(s -> s.contains("rollback")), "no rollback happened");
        report.expect(
                stages.get(stages.size() - 1).equals(Stage.NEW_ONLY.name()),
                "the migration ended in " + stages.get(stages.size() - 1));
    }
}
