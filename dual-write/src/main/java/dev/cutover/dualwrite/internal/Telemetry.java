package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.journal.FailedWrite;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what happens to shadow work (always, for {@link DualWriteControl#counts()}) and forwards
 * events to the bound metrics sink.
 *
 * <p>Thread-safe: counts are {@link LongAdder}s, cheap under contention; the sink is one volatile
 * field replaced under this object's monitor when metrics are bound, so the hot path reads it
 * without locking. Not API.
 */
public final class Telemetry {
    private static final FailedWrite.Reason[] REASONS = FailedWrite.Reason.values();
    private static final ComparisonReport.Outcome[] OUTCOMES = ComparisonReport.Outcome.values();

    private final LongAdder writesSucceeded = new LongAdder();
    private final LongAdder[] writesMissed = adders(REASONS.length);
    private final LongAdder[] comparisons = adders(OUTCOMES.length);
    private final LongAdder journalErrors = new LongAdder();
    private final LongAdder listenerErrors = new LongAdder();
    private final LongAdder unknownStages = new LongAdder();
    private volatile MetricsSink sink = MetricsSink.NONE;

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** The bound sink, {@link MetricsSink#NONE} until metrics are bound. */
    public MetricsSink sink() {
        return sink;
    }

    /** Adds a sink; binding to two registries forwards to both. */
    public synchronized void addSink(MetricsSink added) {
        MetricsSink current = sink;
        sink = current == MetricsSink.NONE ? added : MetricsSink.both(current, added);
    }

    void writeSucceeded(int method) {
        writesSucceeded.increment();
        sink.shadowWrite(method, "SUCCEEDED");
    }

    void writeMissed(int method, FailedWrite.Reason reason) {
        writesMissed[reason.ordinal()].increment();
        sink.shadowWrite(method, reason.name());
    }

    void comparison(int method, ComparisonReport.Outcome outcome) {
        comparisons[outcome.ordinal()].increment();
        sink.comparison(method, outcome);
    }

    void journalError() {
        journalErrors.increment();
        sink.journalError();
    }

    void listenerError() {
        listenerErrors.increment();
        sink.listenerError();
    }

    void stageUnknown() {
        unknownStages.increment();
        sink.stageUnknown();
    }

    /** A snapshot of the counts. */
    public DualWriteControl.Counts counts() {
        Map<FailedWrite.Reason, Long> missed = new EnumMap<>(FailedWrite.Reason.class);
        for (FailedWrite.Reason r : REASONS) {
            missed.put(r, writesMissed[r.ordinal()].sum());
        }
        Map<ComparisonReport.Outcome, Long> compared = new EnumMap<>(ComparisonReport.Outcome.class);
        for (ComparisonReport.Outcome o : OUTCOMES) {
            compared.put(o, comparisons[o.ordinal()].sum());
        }
        return new DualWriteControl.Counts(
                writesSucceeded.sum(),
                missed,
                compared,
                journalErrors.sum(),
                listenerErrors.sum(),
                unknownStages.sum());
    }
}
