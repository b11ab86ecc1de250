package dev.cutover.examples.analytics;

import dev.cutover.compare.Difference;
import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.MigrationListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The migration's dashboard: the proxy's comparison reports counted by run (one run per stage
 * visit), and every mismatch sorted, once {@link StageWalk} has compared its two answers again:
 * explained, settled, or unexplained. Also keeps the latencies of both sides.
 *
 * <ul>
 *   <li><b>Explained</b>: in the strict run, the answers differ again, only at the fields of an
 *       {@link Explanation}, and are equal under the normalizers: both are right and differ in
 *       form only.
 *   <li><b>Settled</b>: equal when compared again: the warehouse, fed through a queue, had not
 *       caught up by the proxy's re-check (on a busy machine the feed can lag by more).
 *   <li><b>Unexplained</b>: still different. A bug in the warehouse or its feed, and a problem in
 *       the report.
 * </ul>
 */
final class ShadowDashboard implements MigrationListener {

    /** A difference of form: where it shows, why, and the normalizer for it. */
    record Explanation(String method, String shown, Pattern path, String why) {}

    static final List<Explanation> EXPLAINED = List.of(
            new Explanation(
                    "getReport",
                    "/avgWatchSeconds",
                    Pattern.compile("/avgWatchSeconds"),
                    "exact NUMERIC in the warehouse, a double in the old code; equal to the 2 decimals shown: numericScale(2)"),
            new Explanation(
                    "listViewersByCountry",
                    "/countries order",
                    Pattern.compile("/countries(/.*)?"),
                    "HashMap order in the old code, sorted in the warehouse; no order is promised:"
                            + " unorderedArrays(\"/countries\")"));

    /** The reports of one visit to a stage. */
    static final class Run {
        final String label;
        /** Whether the comparison had no normalizers: explained differences are expected then. */
        final boolean strict;

        private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        private final List<ComparisonReport> mismatches = new ArrayList<>();
        private final Map<Explanation, Long> explained = new LinkedHashMap<>();
        private final List<String> unexplained = new ArrayList<>();
        private long settled;

        Run(String label, boolean strict) {
            this.label = label;
            this.strict = strict;
        }

        synchronized long count(Outcome outcome) {
            return outcomes.getOrDefault(outcome, 0L);
        }

        synchronized long compared() {
            return outcomes.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The mismatches reported in this run. */
        synchronized List<ComparisonReport> mismatches() {
            return List.copyOf(mismatches);
        }

        /** A mismatch whose answers, compared again, differ only in form, as {@code why} explains. */
        synchronized void explained(Explanation why) {
            explained.merge(why, 1L, Long::sum);
        }

        /** A mismatch whose answers were equal when compared again. */
        synchronized void settled() {
            settled++;
        }

        /** A mismatch whose answers still differ: {@code now} lists where. */
        synchronized void unexplained(ComparisonReport mismatch, List<Difference> now) {
            unexplained.add(mismatch.method() + "(" + mismatch.entityKey() + ") in " + mismatch.stage() + ": "
                    + now.stream().map(d -> d.path() + " " + d.kind()).toList());
        }

        /** How many mismatches each explanation covered. */
        synchronized Map<Explanation, Long> explanations() {
            return new LinkedHashMap<>(explained);
        }

        synchronized long settledCount() {
            return settled;
        }

        /** Mismatches still different when compared again, described. */
        synchronized List<String> unexplained() {
            return List.copyOf(unexplained);
        }

        synchronized void add(ComparisonReport report) {
            outcomes.merge(report.outcome(), 1L, Long::sum);
            if (report.isMismatch()) {
                mismatches.add(report);
            }
        }

        @Override
        public synchronized String toString() {
            return label + ": " + outcomes;
        }
    }

    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private volatile Run current = new Run("before any stage compares", false);
    private final ConcurrentLinkedQueue<Long> oldMicros = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> newMicros = new ConcurrentLinkedQueue<>();

    /** Starts counting a new run; reports arriving from now on count for it. */
    Run startRun(String label, boolean strict) {
        Run run = new Run(label, strict);
        runs.add(run);
        current = run;
        return run;
    }

    List<Run> runs() {
        return List.copyOf(runs);
    }

    @Override
    public void onComparison(ComparisonReport report) {
        current.add(report);
        record(oldMicros, report.oldLatency());
        record(newMicros, report.newLatency());
    }

    /** Median latency of the old side, in milliseconds. */
    double medianOldMillis() {
        return median(oldMicros);
    }

    /** Median latency of the new side, in milliseconds. */
    double medianNewMillis() {
        return median(newMicros);
    }

    /** The explanation whose fields hold every one of {@code differences}, or null. */
    static @Nullable Explanation explanation(String method, List<Difference> differences) {
        for (Explanation e : EXPLAINED) {
            if (e.method().equals(method)
                    && !differences.isEmpty()
                    && differences.stream()
                            .allMatch(d -> e.path().matcher(d.path()).matches())) {
                return e;
            }
        }
        return null;
    }

    private static void record(ConcurrentLinkedQueue<Long> into, @Nullable Duration latency) {
        if (latency != null) {
            into.add(latency.toNanos() / 1_000);
        }
    }

    private static double median(ConcurrentLinkedQueue<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        sorted.sort(null);
        return sorted.isEmpty() ? 0 : Objects.requireNonNull(sorted.get(sorted.size() / 2)) / 1000.0;
    }
}
