package dev.cutover.dualwrite.e2e;

import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.MigrationListener;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.FailedWrite;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** The migration dashboard of the test: comparison outcomes by stage, mismatches, missed shadow writes. */
final class Reports implements MigrationListener {
    private final Map<Stage, Map<Outcome, LongAdder>> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<ComparisonReport> all = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Mismatch> mismatches = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> missedWrites = new ConcurrentHashMap<>();
    /** "target key" of shadow writes missed while {@link #comparing} was on. */
    private final Set<String> missedWhileComparing = ConcurrentHashMap.newKeySet();

    private volatile boolean comparing;

    @Override
    public void onComparison(ComparisonReport report) {
        outcomes.computeIfAbsent(report.stage(), s -> new ConcurrentHashMap<>())
                .computeIfAbsent(report.outcome(), o -> new LongAdder())
                .increment();
        all.add(report);
        if (report.isMismatch()) {
            mismatches.add(new Mismatch(report, System.nanoTime()));
        }
    }

    @Override
    public void onShadowWriteFailed(FailedWrite write) {
        missedWrites
                .computeIfAbsent(write.target() + " " + write.reason(), k -> new LongAdder())
                .increment();
        if (comparing) {
            missedWhileComparing.add(write.target() + " " + write.entityKey());
        }
    }

    /** From now on, remember the keys of missed shadow writes, to explain the mismatches they cause. */
    void startComparing() {
        comparing = true;
    }

    /**
     * Whether the mismatch is explained by a missed shadow write: one of its key to the store the
     * comparison read in the shadow was journaled while comparisons ran, so that store lacked the
     * write until the journal was repaired.
     */
    boolean explainedByMissedWrite(ComparisonReport mismatch) {
        return missedWhileComparing.contains(mismatch.stage().shadow() + " " + mismatch.entityKey());
    }

    long count(Stage stage, Outcome outcome) {
        LongAdder n = outcomes.getOrDefault(stage, Map.of()).get(outcome);
        return n == null ? 0 : n.sum();
    }

    long count(Outcome outcome) {
        long n = 0;
        for (Stage s : Stage.values()) {
            n += count(s, outcome);
        }
        return n;
    }

    /** Every report, in the order received. */
    List<ComparisonReport> reports() {
        return List.copyOf(all);
    }

    /** A MISMATCH report and when it arrived ({@link System#nanoTime()}). */
    record Mismatch(ComparisonReport report, long atNanos) {}

    List<Mismatch> mismatches() {
        return List.copyOf(mismatches);
    }

    /** Outcome counts per stage that compared, and missed shadow writes by target and reason. */
    String summary() {
        StringBuilder b = new StringBuilder();
        for (Stage s : Stage.values()) {
            if (!outcomes.containsKey(s)) {
                continue;
            }
            Map<Outcome, Long> row = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                row.put(o, count(s, o));
            }
            b.append("comparisons in ").append(s).append(": ").append(row).append('\n');
        }
        Map<String, Long> missed = new TreeMap<>();
        missedWrites.forEach((k, v) -> missed.put(k, v.sum()));
        return b.append("missed shadow writes (target reason): ").append(missed).toString();
    }
}
