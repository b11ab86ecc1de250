package dev.cutover.benchmarks.flip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.benchmarks.flip.FleetIdleCost.Result;
import dev.cutover.benchmarks.flip.FleetIdleCost.Settings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fleet-cost program in miniature, on the same code as the recorded run: 4 instances of 2
 * services polling every 300 ms, counted for 3 s, 2 flips, on both stores. Proves that an idle
 * instance sends only head checks and heartbeats, at most one of each per interval, and that the
 * fleet view sees every flip on every instance.
 */
class FleetIdleCostTest {
    private static final Duration POLL = Duration.ofMillis(300);
    private static final Settings SETTINGS = new Settings(4, 2, POLL, Duration.ofSeconds(3), 2);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void idleInstancesSendOneHeadCheckAndOneHeartbeatPerInterval() throws Exception {
        Result pg = FleetIdleCost.postgres(SETTINGS, System.out);
        Result dynamo = FleetIdleCost.dynamoDb(SETTINGS, System.out);
        System.out.println(FleetIdleCost.markdown(SETTINGS, List.of(pg, dynamo)));
        // per minute at one per 300 ms (jitter 10 %): 200; allow the window's edges and a busy machine
        double perInterval = 60_000.0 / POLL.toMillis();
        for (Result r : List.of(pg, dynamo)) {
            double[] n = r.perInstancePerMinute();
            assertThat(n[0]).as(r.store() + ": head checks").isBetween(perInterval * 0.4, perInterval * 1.25);
            assertThat(n[1]).as(r.store() + ": heartbeats").isBetween(perInterval * 0.4, perInterval * 1.1);
            assertThat(n[2]).as(r.store() + ": anything else while idle").isZero();
            assertThat(r.flipSeen()).hasSize(2);
            for (Duration d : r.flipSeen()) {
                // the next poll, the reload, the change-driven heartbeat, the view's next read
                assertThat(d).as(r.store() + ": flip seen by the fleet view").isLessThan(Duration.ofSeconds(5));
            }
        }
    }
}
