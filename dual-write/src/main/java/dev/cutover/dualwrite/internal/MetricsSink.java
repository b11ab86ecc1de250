package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;

/**
 * Where the proxy's events go once metrics are bound ({@code DualWriteMetrics}). The proxy calls
 * only this interface, so Micrometer classes load only when an application binds metrics. Methods
 * are called from callers' and shadow threads concurrently and must not throw. Not API.
 */
public interface MetricsSink {

    /** The sink of a proxy without metrics: callers skip even the clock reads for it. */
    MetricsSink NONE = new MetricsSink() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void call(int method, Stage stage, long nanos) {}

        @Override
        public void shadowLatency(int method, Side side, long nanos) {}

        @Override
        public void shadowWrite(int method, String outcome) {}

        @Override
        public void comparison(int method, ComparisonReport.Outcome outcome) {}

        @Override
        public void stageUnknown() {}

        @Override
        public void journalError() {}

        @Override
        public void listenerError() {}
    };

    /** Whether anything is recorded; when false the caller's thread does not read the clock. */
    boolean enabled();

    /** A call served by the authoritative store of {@code stage}, which took {@code nanos}. */
    void call(int method, Stage stage, long nanos);

    /** A shadow call to {@code side} that returned or threw after {@code nanos}. */
    void shadowLatency(int method, Side side, long nanos);

    /** A shadow write ended: {@code SUCCEEDED} or a {@code FailedWrite.Reason} name. */
    void shadowWrite(int method, String outcome);

    /** A comparison report was made. */
    void comparison(int method, ComparisonReport.Outcome outcome);

    /** The stage flag held a value that names no stage. */
    void stageUnknown();

    /** The journal threw on append. */
    void journalError();

    /** The listener threw. */
    void listenerError();

    /** A sink that forwards to two others. */
    static MetricsSink both(MetricsSink a, MetricsSink b) {
        return new MetricsSink() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void call(int method, Stage stage, long nanos) {
                a.call(method, stage, nanos);
                b.call(method, stage, nanos);
            }

            @Override
            public void shadowLatency(int method, Side side, long nanos) {
                a.shadowLatency(method, side, nanos);
                b.shadowLatency(method, side, nanos);
            }

            @Override
            public void shadowWrite(int method, String outcome) {
                a.shadowWrite(method, outcome);
                b.shadowWrite(method, outcome);
            }

            @Override
            public void comparison(int method, ComparisonReport.Outcome outcome) {
                a.comparison(method, outcome);
                b.comparison(method, outcome);
            }

            @Override
            public void stageUnknown() {
                a.stageUnknown();
                b.stageUnknown();
            }

            @Override
            public void journalError() {
                a.journalError();
                b.journalError();
            }

            @Override
            public void listenerError() {
                a.listenerError();
                b.listenerError();
            }
        };
    }
}
