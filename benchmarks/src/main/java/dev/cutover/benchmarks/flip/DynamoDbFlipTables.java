package dev.cutover.benchmarks.flip;

import static dev.cutover.benchmarks.flip.FlipHarness.seconds;

import dev.cutover.benchmarks.flip.CountingDynamoDb.Call;
import dev.cutover.benchmarks.flip.DynamoDbFlipPropagation.IdleLoad;
import dev.cutover.benchmarks.flip.DynamoDbFlipPropagation.Prices;
import dev.cutover.benchmarks.flip.DynamoDbFlipPropagation.Propagation;
import dev.cutover.benchmarks.flip.DynamoDbFlipPropagation.Report;
import dev.cutover.benchmarks.flip.DynamoDbFlipPropagation.Settings;
import java.util.Locale;

/** {@link DynamoDbFlipPropagation}'s results as the README shows them: Markdown tables, a cost table last. */
final class DynamoDbFlipTables {

    /** A 30-day month, as the flags-dynamodb documentation counts it. */
    static final double MINUTES_PER_MONTH = 30 * 24 * 60;

    static final String PUSH_LABEL = "push (DynamoDB Streams)";
    static final String POLL_LABEL = "poll only";

    /** The push target: p99 of the last instance under half a second. */
    static final long PUSH_TARGET_MILLIS = 500;

    private DynamoDbFlipTables() {}

    /** The results as Markdown tables. */
    static String markdown(Report r) {
        StringBuilder b = new StringBuilder();
        Settings s = r.settings();
        long interval = r.poll().pollInterval().toMillis();
        b.append(String.format(
                Locale.ROOT,
                "Propagation: from `put` returning until the last of %d instances serves the new value, %d flips per"
                        + " set (after %d warm-up flips). Push instances read the stream every %s and poll every %s.%n%n",
                s.clients(),
                s.flips(),
                s.warmupFlips(),
                seconds(s.streamPollInterval()),
                seconds(s.pushPollInterval())));
        b.append("| Set | Poll interval | p50 (ms) | p99 (ms) | max (ms) | Missed |\n");
        b.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
        propagationRow(b, PUSH_LABEL, r.push());
        propagationRow(b, POLL_LABEL, r.poll());

        b.append(String.format(Locale.ROOT, "%nTargets:%n%n"));
        b.append("| Target | Measured | Met |\n");
        b.append("| --- | ---: | --- |\n");
        targetRow(
                b, String.format(Locale.ROOT, "push: p99 < %,d ms", PUSH_TARGET_MILLIS), r.push(), PUSH_TARGET_MILLIS);
        targetRow(
                b,
                String.format(Locale.ROOT, "poll only: p99 < interval + 100 ms = %,d ms", interval + 100),
                r.poll(),
                interval + 100);
        long jitterAware = Math.round(1.1 * interval) + 100;
        targetRow(
                b,
                String.format(
                        Locale.ROOT, "poll only, jitter-aware: p99 < 1.1 × interval + 100 ms = %,d ms", jitterAware),
                r.poll(),
                jitterAware);
        idleTargetRow(b, PUSH_LABEL, r.pushIdle());
        idleTargetRow(b, POLL_LABEL, r.pollIdle());

        b.append(String.format(
                Locale.ROOT,
                "%nThe same flips, p50 / p99 / max (ms), and the requests an instance sent per flip, over all %d flips"
                        + " (warm-up and polls between flips included).%n%n",
                s.warmupFlips() + s.flips()));
        b.append("| Set | Each instance on its own | Last instance, timed from the call to `put` | `put` itself"
                + " | Instance-flips served < 1 ms after `put` returned | GetItem / flip / instance"
                + " | Query / flip / instance | Stream requests / flip / instance |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        detailRow(b, PUSH_LABEL, r.push());
        detailRow(b, POLL_LABEL, r.poll());

        b.append(String.format(
                Locale.ROOT,
                "%nIdle load: %d instances, %s with no writes, before their first flip; requests counted per instance."
                        + " Read request units: every read is under 4 KB, so 1 per GetItem strongly consistent (the store's"
                        + " default, used here) and 0.5 eventually consistent. The table's stream had %d shard(s), %d open.%n%n",
                s.clients(),
                seconds(s.idleWindow()),
                r.streamShards(),
                r.openStreamShards()));
        b.append("| Set | Poll interval | GetItem / instance / min (expected) | Query / instance / min"
                + " | Stream requests / instance / min (GetRecords) | Read request units / instance / min, strongly"
                + " (eventually) consistent |\n");
        b.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
        idleRow(b, PUSH_LABEL, r.pushIdle());
        idleRow(b, POLL_LABEL, r.pollIdle());

        Prices p = s.prices();
        b.append(String.format(
                Locale.ROOT,
                "%nCost per instance per 30-day month at the idle rates above: $%.3f per million read request units,"
                        + " $%.2f per 100,000 streams read requests (GetRecords); %s. The 30 s poll-only row is the push"
                        + " set's reads without its stream reader: the instances of a fleet that do not read the stream.%n%n",
                p.perMillionReadRequestUnits(),
                p.per100kStreamReadRequests(),
                p.source()));
        b.append("| Instance | Read request units / month, strongly (eventually) consistent | Reads $ / month,"
                + " strongly (eventually) consistent | Streams read requests / month | Streams $ / month"
                + " | Total $ / month, strongly consistent |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        costRow(b, POLL_LABEL + ", " + seconds(r.pollIdle().pollInterval()), r.pollIdle(), false, p);
        costRow(b, POLL_LABEL + ", " + seconds(r.pushIdle().pollInterval()), r.pushIdle(), false, p);
        costRow(b, PUSH_LABEL + ", " + seconds(r.pushIdle().pollInterval()) + " poll", r.pushIdle(), true, p);
        return b.toString();
    }

    private static void propagationRow(StringBuilder b, String name, Propagation p) {
        FlipTimes t = p.times();
        b.append(String.format(
                Locale.ROOT,
                "| %s | %s | %,.1f | %,.1f | %,.1f | %d |%n",
                name,
                seconds(p.pollInterval()),
                t.lastMillis(50),
                t.lastMillis(99),
                t.lastMillis(100),
                t.missedFlips()));
    }

    private static void targetRow(StringBuilder b, String target, Propagation p, long millis) {
        double p99 = p.times().lastMillis(99);
        b.append(String.format(
                Locale.ROOT,
                "| %s | %,.1f ms | %s |%n",
                target,
                p99,
                p.times().missedFlips() == 0 && p99 < millis ? "yes" : "no"));
    }

    private static void idleTargetRow(StringBuilder b, String name, IdleLoad i) {
        b.append(String.format(
                Locale.ROOT,
                "| idle %s: one GetItem per instance per %s (%.0f / min, ±5%%), no Query | %.2f GetItem, %.2f Query"
                        + " / min | %s |%n",
                name,
                seconds(i.pollInterval()),
                i.expectedGetItemsPerInstancePerMinute(),
                i.perInstancePerMinute(Call.GET_ITEM),
                i.perInstancePerMinute(Call.QUERY),
                i.oneGetItemPerInterval() ? "yes" : "no"));
    }

    private static void detailRow(StringBuilder b, String name, Propagation p) {
        b.append(String.format(
                Locale.ROOT,
                "| %s | %s | %.2f | %.2f | %.2f |%n",
                name,
                FlipHarness.detailCells(p.times(), true),
                p.perFlipPerInstance(Call.GET_ITEM),
                p.perFlipPerInstance(Call.QUERY),
                p.streamRequestsPerFlipPerInstance()));
    }

    private static void idleRow(StringBuilder b, String name, IdleLoad i) {
        b.append(String.format(
                Locale.ROOT,
                "| %s | %s | %.2f (%.0f) | %.2f | %.1f (%.1f) | %.2f (%.2f) |%n",
                name,
                seconds(i.pollInterval()),
                i.perInstancePerMinute(Call.GET_ITEM),
                i.expectedGetItemsPerInstancePerMinute(),
                i.perInstancePerMinute(Call.QUERY),
                i.streamRequestsPerInstancePerMinute(),
                i.perInstancePerMinute(Call.GET_RECORDS),
                i.readUnitsPerInstancePerMinute(1.0),
                i.readUnitsPerInstancePerMinute(0.5)));
    }

    /** One row of the cost table; {@code withStream} adds the instance's stream reader. */
    private static void costRow(StringBuilder b, String name, IdleLoad i, boolean withStream, Prices p) {
        double strongUnits = i.readUnitsPerInstancePerMinute(1.0) * MINUTES_PER_MONTH;
        double eventualUnits = i.readUnitsPerInstancePerMinute(0.5) * MINUTES_PER_MONTH;
        double strongDollars = strongUnits / 1e6 * p.perMillionReadRequestUnits();
        double eventualDollars = eventualUnits / 1e6 * p.perMillionReadRequestUnits();
        double streamReads = withStream ? i.perInstancePerMinute(Call.GET_RECORDS) * MINUTES_PER_MONTH : 0;
        double streamDollars = streamReads / 1e5 * p.per100kStreamReadRequests();
        b.append(String.format(
                Locale.ROOT,
                "| %s | %,.0f (%,.0f) | %.3f (%.3f) | %,.0f | %.3f | %.3f |%n",
                name,
                strongUnits,
                eventualUnits,
                strongDollars,
                eventualDollars,
                streamReads,
                streamDollars,
                strongDollars + streamDollars));
    }
}
