package dev.cutover.dualwrite.internal;

import dev.cutover.compare.Difference;
import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.MigrationListener;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands comparison reports to metrics, SLF4J and the listener. Mismatches and errors log a WARN
 * at most once per method and outcome every 10 s (with the number suppressed); everything else
 * logs at DEBUG. Lines carry field paths and value hashes, raw values only when the comparison
 * reveals them. Never throws. Thread-safe. Not API.
 */
final class Reporter {
    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);
    private static final int LOGGED_DIFFERENCES = 5;

    private final MigrationListener listener;
    private final Telemetry telemetry;
    private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);

    Reporter(MigrationListener listener, Telemetry telemetry) {
        this.listener = listener;
        this.telemetry = telemetry;
    }

    void report(int methodIndex, ComparisonReport report) {
        telemetry.comparison(methodIndex, report.outcome());
        try {
            log(report);
        } catch (RuntimeException e) {
            telemetry.listenerError();
        }
        try {
            listener.onComparison(report);
        } catch (Throwable e) {
            telemetry.listenerError();
            long suppressed = warnings.permit("listener");
            if (suppressed >= 0) {
                LOG.warn(
                        "{}: the migration listener threw on a comparison report{}",
                        report.repository(),
                        RateLimitedLog.suppressed(suppressed),
                        e);
            }
        }
    }

    private void log(ComparisonReport r) {
        boolean warn =
                r.outcome() == ComparisonReport.Outcome.MISMATCH || r.outcome() == ComparisonReport.Outcome.ERROR;
        if (warn) {
            long suppressed = warnings.permit(r.method() + "/" + r.outcome());
            if (suppressed >= 0 && LOG.isWarnEnabled()) {
                LOG.warn(line(r) + RateLimitedLog.suppressed(suppressed));
            }
        } else if (LOG.isDebugEnabled()) {
            LOG.debug(line(r));
        }
    }

    static String line(ComparisonReport r) {
        StringBuilder sb = new StringBuilder()
                .append(r.repository())
                .append('.')
                .append(r.method())
                .append(": ")
                .append(r.outcome())
                .append(r.entityKey() == null ? " (no key)" : " for key " + r.entityKey())
                .append(" in stage ")
                .append(r.stage());
        if (r.rechecked()) {
            sb.append(" (re-checked)");
        }
        List<Difference> ds = r.differences();
        for (int i = 0; i < ds.size() && i < LOGGED_DIFFERENCES; i++) {
            Difference d = ds.get(i);
            sb.append(i == 0 ? " at " : ", ")
                    .append(d.path().isEmpty() ? "/" : d.path())
                    .append(" (")
                    .append(d.kind())
                    .append(" old ")
                    .append(d.oldValue() != null ? d.oldValue() : "#" + d.oldHash())
                    .append(" new ")
                    .append(d.newValue() != null ? d.newValue() : "#" + d.newHash())
                    .append(')');
        }
        if (ds.size() > LOGGED_DIFFERENCES) {
            sb.append(" and ").append(ds.size() - LOGGED_DIFFERENCES).append(" more");
        }
        if (r.error() != null) {
            sb.append(": ").append(r.error());
        }
        return sb.toString();
    }
}
