package dev.cutover.benchmarks.flip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.benchmarks.flip.CountingDataSource.Counts;
import dev.cutover.benchmarks.flip.CountingDataSource.Kind;
import dev.cutover.benchmarks.flip.FlipPropagation.IdleLoad;
import dev.cutover.benchmarks.flip.FlipPropagation.Report;
import dev.cutover.benchmarks.flip.FlipPropagation.Settings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The flip-propagation harness in miniature, on the same code path as the recorded run: 3
 * instances, 5 flips per mode, 200 ms polling, a 1.5 s idle window. Proves that the harness sees
 * every flip at every instance and counts what idle instances execute.
 */
class FlipPropagationTest {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration IDLE = Duration.ofMillis(1500);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyFlipReachesEveryInstanceAndIdleInstancesOnlyCheckTheHead() throws Exception {
        Settings settings = new Settings(
                3, 5, 1, Duration.ofMillis(20), Duration.ofSeconds(30), POLL, IDLE, Duration.ofMillis(100), true);

        Report r = FlipPropagation.run(settings, System.out);
        System.out.println(FlipPropagation.markdown(r));

        assertThat(r.push().times().missedApplications())
                .as("push: instance-flips never served")
                .isZero();
        assertThat(r.poll().times().missedApplications())
                .as("poll: instance-flips never served")
                .isZero();
        assertThat(r.push().times().lastNanos()).hasSize(5);
        assertThat(r.push().times().eachNanos()).hasSize(15);
        // one reload per flip (6 with the warm-up) and instance, in every mode: head checks keep the rest cheap
        assertThat(r.push().counts().of(Kind.LOAD_FLAGS)).isEqualTo(18);
        assertThat(r.pushPooled().counts().of(Kind.LOAD_FLAGS)).isEqualTo(18);
        assertThat(r.poll().counts().of(Kind.LOAD_FLAGS)).isEqualTo(18);
        assertThat(r.pushPooled().times().missedApplications())
                .as("pooled push: instance-flips never served")
                .isZero();
        // the push clients poll every 30 s: only push explains a flip served everywhere within 5 s
        assertThat(r.push().times().lastMillis(100)).isLessThan(5_000);
        // a poll-only flip waits for the next poll (at most 220 ms with jitter) plus the reload
        assertThat(r.poll().times().lastMillis(100)).isLessThan(2_000);

        // idle push instances: no poll is due this early in a 30 s interval, no keepalive before 60 s
        for (Counts c : r.pushIdle().perInstance()) {
            assertThat(c.totalStatements())
                    .as("statements of an idle push instance")
                    .isLessThanOrEqualTo(2);
        }
        // idle poll instances: one head check per 180 to 220 ms, nothing else
        long maxHeads = (long) Math.ceil(IDLE.toMillis() / (POLL.toMillis() * 0.9));
        for (Counts c : r.pollIdle().perInstance()) {
            assertThat(c.of(Kind.HEAD))
                    .as("head checks of an idle poll instance")
                    .isBetween(4L, maxHeads + 2);
            assertThat(c.totalStatements())
                    .as("statements of an idle poll instance")
                    .isLessThanOrEqualTo(maxHeads + 2);
            assertThat(c.of(Kind.LOAD_FLAGS)).as("loads without a write").isZero();
        }
        IdleLoad pollIdle = r.pollIdle();
        assertThat(pollIdle.pgTransactions())
                .as("PostgreSQL saw the head checks")
                .isPositive();
        assertThat(FlipPropagation.markdown(r)).contains("| push (LISTEN/NOTIFY) | 30 s |", "| poll only | 200 ms |");
    }

    @Test
    void percentilesAreNearestRankOverServedFlips() {
        long[] nanos = {5_000_000, 1_000_000, -1, 3_000_000, 2_000_000, 4_000_000};
        assertThat(FlipHarness.percentileMillis(nanos, 50)).isEqualTo(3.0);
        assertThat(FlipHarness.percentileMillis(nanos, 99)).isEqualTo(5.0);
        assertThat(FlipHarness.percentileMillis(nanos, 100)).isEqualTo(5.0);
        assertThat(FlipHarness.percentileMillis(new long[] {-1}, 50)).isNaN();
    }
}
