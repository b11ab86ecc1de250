package dev.cutover.replication.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link HybridLogicalClock}: stamps strictly increase whatever the wall clock does, never fall
 * behind the wall clock, follow what they observe, and name the millisecond they were issued in.
 */
class HybridLogicalClockProperties {
    private static final long START = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();

    /** A step: move the wall clock by {@code delta} ms (back when negative), then stamp, or observe a stamp. */
    record Step(long delta, boolean observe, long observedOffset) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(
                        Arbitraries.longs().between(-5_000, 5_000),
                        Arbitraries.integers().between(0, 5).map(i -> i == 0),
                        Arbitraries.longs().between(-100_000, 100_000))
                .as(Step::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(200);
    }

    @Property(tries = 500)
    void stampsStrictlyIncreaseFollowObservationsAndNeverTrailTheWallClock(@ForAll("steps") List<Step> steps) {
        MutableClock wall = new MutableClock(Instant.ofEpochMilli(START));
        HybridLogicalClock clock = new HybridLogicalClock(wall);
        long last = 0;
        long highestSeen = 0;
        for (Step s : steps) {
            wall.advance(Duration.ofMillis(s.delta()));
            if (s.observe()) {
                long observed = (wall.millis() + s.observedOffset()) << HybridLogicalClock.LOGICAL_BITS;
                clock.observe(observed);
                highestSeen = Math.max(highestSeen, observed);
                continue;
            }
            long stamp = clock.next();
            assertThat(stamp).as("after %s", last).isGreaterThan(last);
            assertThat(stamp).as("above every observed stamp").isGreaterThan(highestSeen);
            assertThat(stamp)
                    .as("not behind the wall clock")
                    .isGreaterThanOrEqualTo(wall.millis() << HybridLogicalClock.LOGICAL_BITS);
            assertThat(HybridLogicalClock.instantOf(stamp).toEpochMilli())
                    .as("the millisecond of the stamp")
                    .isGreaterThanOrEqualTo(wall.millis());
            last = stamp;
        }
    }

    @Example
    void aStampNamesTheMillisecondItWasIssuedIn() {
        MutableClock wall = new MutableClock(Instant.ofEpochMilli(START));
        HybridLogicalClock clock = new HybridLogicalClock(wall);
        long first = clock.next();
        long second = clock.next(); // same millisecond: the counter moves
        assertThat(HybridLogicalClock.instantOf(first)).isEqualTo(Instant.ofEpochMilli(START));
        assertThat(HybridLogicalClock.instantOf(second)).isEqualTo(Instant.ofEpochMilli(START));
        assertThat(second).isEqualTo(first + 1);
        wall.advance(Duration.ofMillis(-60_000)); // an NTP step back: stamps keep counting from the last one
        assertThat(clock.next()).isEqualTo(second + 1);
        wall.advance(Duration.ofMillis(120_000));
        assertThat(HybridLogicalClock.instantOf(clock.next())).isEqualTo(Instant.ofEpochMilli(START + 60_000));
    }

    @Example
    void observingAnotherProcessesStampOrdersLaterStampsAfterIt() {
        HybridLogicalClock behind = new HybridLogicalClock(new MutableClock(Instant.ofEpochMilli(START)));
        HybridLogicalClock ahead = new HybridLogicalClock(new MutableClock(Instant.ofEpochMilli(START + 5_000)));
        long theirs = ahead.next();
        assertThat(behind.next()).isLessThan(theirs);
        behind.observe(theirs);
        assertThat(behind.next()).isEqualTo(theirs + 1);
        behind.observe(1); // an old stamp changes nothing
        assertThat(behind.next()).isEqualTo(theirs + 2);
    }

    @Example
    void concurrentCallersNeverShareAStamp() throws Exception {
        HybridLogicalClock clock =
                new HybridLogicalClock(new MutableClock(Instant.ofEpochMilli(START))); // a frozen wall clock
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 20_000; i++) {
                        mine.add(clock.next());
                    }
                    return mine;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> f : results) {
                List<Long> mine = f.get();
                for (int i = 1; i < mine.size(); i++) {
                    assertThat(mine.get(i)).isGreaterThan(mine.get(i - 1));
                }
                all.addAll(mine);
            }
            assertThat(all).hasSize(80_000);
        } finally {
            pool.shutdownNow();
        }
    }
}
