package dev.cutover.benchmarks.flip;

import static dev.cutover.benchmarks.flip.FlipHarness.seconds;

import dev.cutover.benchmarks.flip.CountingDataSource.Kind;
import dev.cutover.benchmarks.flip.FlipPropagation.IdleLoad;
import dev.cutover.benchmarks.flip.FlipPropagation.Propagation;
import dev.cutover.benchmarks.flip.FlipPropagation.Report;
import dev.cutover.benchmarks.flip.FlipPropagation.Settings;
import java.util.Locale;

/** {@link FlipPropagation}'s results as the README shows them: Markdown tables. */
final class JdbcFlipTables {

    static final String PUSH_LABEL = "push (LISTEN/NOTIFY)";
    static final String POLL_LABEL = "poll only";
    static final String POOLED_LABEL = "push, HikariCP pool per instance";

    private JdbcFlipTables() {}

    /** The results as Markdown tables. */
    static String markdown(Report r) {
        StringBuilder b = new StringBuilder();
        Settings s = r.settings();
        b.append(String.format(
                Locale.ROOT,
                "Propagation: from `put` returning until the last of %d instances serves the new value, %d flips per"
                        + " mode (after %d warm-up flips).%n%n",
                s.clients(),
                s.flips(),
                s.warmupFlips()));
        b.append("| Mode | Poll interval | p50 (ms) | p99 (ms) | max (ms) | Missed | Target | Met |\n");
        b.append("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n");
        propagationRow(b, PUSH_LABEL, r.push(), 100);
        if (r.pushPooled() != null) {
            propagationRow(b, POOLED_LABEL, r.pushPooled(), 100);
        }
        propagationRow(b, POLL_LABEL, r.poll(), r.poll().pollInterval().toMillis() + 100);
        b.append(String.format(
                Locale.ROOT,
                "%nThe same flips, p50 / p99 / max (ms), and what they cost: statements JdbcFlagStore executed per"
                        + " flip and instance, and transactions PostgreSQL counted per flip for all instances and the writer"
                        + " together (counted until the instances closed), both over all %d flips, warm-up and polls between"
                        + " flips included.%n%n",
                s.warmupFlips() + s.flips()));
        b.append("| Mode | Each instance on its own | Last instance, timed from the call to `put` | `put` itself"
                + " | Instance-flips served < 1 ms after `put` returned | Statements / flip / instance"
                + " | PostgreSQL transactions / flip, all |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        detailRow(b, PUSH_LABEL, r.push());
        if (r.pushPooled() != null) {
            detailRow(b, POOLED_LABEL, r.pushPooled());
        }
        detailRow(b, POLL_LABEL, r.poll());
        b.append(String.format(Locale.ROOT, "%n"));
        b.append(String.format(
                Locale.ROOT,
                "Idle load: %d instances, %s with no writes, before their first flip. Statements are those"
                        + " JdbcFlagStore executed, counted per instance. PostgreSQL's transaction count is shown only where it"
                        + " is complete, when no connection outlives the window (—: LISTEN or pooled connections report late).%n%n",
                s.clients(),
                seconds(s.idleWindow())));
        b.append("| Mode | Poll interval | Head checks / instance / min (expected) | Statements / instance / min"
                + " | Statements / min, all | PostgreSQL transactions / min | Connections opened / min"
                + " | Connections held, mean (max) |\n");
        b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        idleRow(b, PUSH_LABEL, r.pushIdle());
        if (r.pushPooledIdle() != null) {
            idleRow(b, POOLED_LABEL, r.pushPooledIdle());
        }
        idleRow(b, POLL_LABEL, r.pollIdle());
        return b.toString();
    }

    private static void propagationRow(StringBuilder b, String name, Propagation p, long targetMillis) {
        FlipTimes t = p.times();
        double p99 = t.lastMillis(99);
        b.append(String.format(
                Locale.ROOT,
                "| %s | %s | %.1f | %.1f | %.1f | %d | p99 < %d ms | %s |%n",
                name,
                seconds(p.pollInterval()),
                t.lastMillis(50),
                p99,
                t.lastMillis(100),
                t.missedFlips(),
                targetMillis,
                t.missedFlips() == 0 && p99 < targetMillis ? "yes" : "no"));
    }

    private static void detailRow(StringBuilder b, String name, Propagation p) {
        b.append(String.format(
                Locale.ROOT,
                "| %s | %s | %.2f | %.0f |%n",
                name,
                FlipHarness.detailCells(p.times(), false),
                p.statementsPerFlipPerInstance(),
                p.pgTransactionsPerFlip()));
    }

    private static void idleRow(StringBuilder b, String name, IdleLoad i) {
        b.append(String.format(
                Locale.ROOT,
                "| %s | %s | %.2f (%.0f) | %.2f | %.0f | %s | %.0f | %.1f (%d) |%n",
                name,
                seconds(i.pollInterval()),
                i.perInstancePerMinute(Kind.HEAD),
                i.expectedHeadsPerInstancePerMinute(),
                i.statementsPerInstancePerMinute(),
                i.statementsPerMinute(),
                i.pgComplete() ? String.format(Locale.ROOT, "%.0f", i.pgTransactionsPerMinute()) : "—",
                i.connectionsOpenedPerMinute(),
                i.connectionsMean(),
                i.connectionsMax()));
    }
}
