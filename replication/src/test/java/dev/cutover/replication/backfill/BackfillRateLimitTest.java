package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillBuilder;
import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillProgress;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.jqwik.api.Example;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limit holds approximately: over the whole run and over every window of half a second
 * or more, rows per second stay near the limit (generous bounds: the limiter's burst, a page per
 * worker, scheduling noise), and the backfill is not slowed far below it either.
 */
class BackfillRateLimitTest {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillRateLimitTest.class);

    record Sample(long nanos, long rows) {}

    @Example
    void rowsPerSecondStayNearTheLimit() throws Exception {
        double rate = 2_000;
        int rows = 2_400;
        int batch = 40;
        int workers = 2;
        measure(
                Backfill.from(source(rows))
                        .to(new InMemoryVersionedTarget())
                        .rateLimit(rate)
                        .batchSize(batch)
                        .workers(workers),
                rows,
                rate,
                batch * workers);
    }

    /** Your own limiter, whose period grants fewer permits than a page needs and which never waits itself. */
    @Example
    void aCustomLimiterWithSmallPeriodsPacesLargePages() throws Exception {
        RateLimiter limiter = RateLimiter.of(
                "custom",
                RateLimiterConfig.custom()
                        .limitForPeriod(10)
                        .limitRefreshPeriod(Duration.ofMillis(10))
                        .timeoutDuration(Duration.ZERO)
                        .build());
        int rows = 1_200;
        measure(
                Backfill.from(source(rows))
                        .to(new InMemoryVersionedTarget())
                        .rateLimiter(limiter)
                        .batchSize(100)
                        .workers(2),
                rows,
                1_000,
                200);
    }

    private static void measure(BackfillBuilder builder, int rows, double rate, int inFlight) throws Exception {
        ConcurrentLinkedQueue<Sample> seen = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        seen.add(new Sample(start, 0));
        BackfillResult result = builder.listener(new BackfillListener() {
                    @Override
                    public void onProgress(BackfillProgress p) {
                        seen.add(new Sample(System.nanoTime(), p.counts().read()));
                    }
                })
                .build()
                .run();
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info(
                "{} rows at a limit of {} rows/s took {} s: {} rows/s",
                rows,
                rate,
                seconds,
                Math.round(rows / seconds));
        assertThat(result.counts().applied()).isEqualTo(rows);
        // the limiter grants a twentieth of a second's rows at once (a tenth for the custom one)
        double burst = rate / 10;
        assertThat(seconds).as("whole run").isGreaterThanOrEqualTo((rows - burst - inFlight) / rate * 0.9);
        assertThat(rows / seconds).as("rows per second over the run").isGreaterThan(rate * 0.3);
        List<Sample> samples = new ArrayList<>(seen);
        samples.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
        for (Sample from : samples) {
            for (Sample to : samples) {
                double window = (to.nanos() - from.nanos()) / 1e9;
                if (window >= 0.5) {
                    assertThat((double) to.rows() - from.rows())
                            .as("rows in a window of %.2f s", window)
                            .isLessThanOrEqualTo(rate * window * 1.15 + burst + inFlight);
                }
            }
        }
    }

    private static InMemoryVersionedTarget source(int rows) throws Exception {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            changes.add(Rows.row("rate-" + i, 1 + i));
        }
        return Rows.source(4, changes);
    }
}
