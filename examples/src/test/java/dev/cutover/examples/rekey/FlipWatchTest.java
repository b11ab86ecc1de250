package dev.cutover.examples.rekey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the watch judges reads around a flip's instant. */
class FlipWatchTest {
    private static final Instant AT = Instant.parse("2026-03-01T02:00:00Z");
    private static final long T = AT.toEpochMilli();

    @Test
    void aFleetThatSwitchesAtTheInstantIsInUnison() {
        FlipWatch watch = new FlipWatch(2);
        watch.arm(Stage.SHADOW, Stage.LIVE, AT);
        watch.read(0, T - 30, T - 20, Side.OLD);
        watch.read(1, T - 5, T + 5, Side.NEW); // straddles the instant: either side is right
        watch.read(0, T + 12, T + 14, Side.NEW);
        watch.read(1, T + 3, T + 4, Side.NEW);

        FlipWatch.Result r = watch.result(AT.minusMillis(700));

        assertThat(r.unison()).isTrue();
        assertThat(r.heldBefore()).isEqualTo(Duration.ofMillis(700));
        assertThat(r.agreedWithin()).isEqualTo(Duration.ofMillis(12));
        assertThat(r.servicesAgreed()).isEqualTo(2);
        assertThat(r.readsAfter()).isEqualTo(2);
    }

    @Test
    void aReadOnThePreviousStageAfterTheInstantIsLate() {
        FlipWatch watch = new FlipWatch(2);
        watch.arm(Stage.LIVE, Stage.SHADOW, AT);
        watch.read(0, T + 1, T + 2, Side.OLD);
        watch.read(1, T, T + 1, Side.NEW);

        FlipWatch.Result r = watch.result(AT.minusMillis(500));

        assertThat(r.lateReads()).isEqualTo(1);
        assertThat(r.servicesAgreed()).isEqualTo(1);
        assertThat(r.agreedWithin()).as("not every service agreed").isNull();
        assertThat(r.unison()).isFalse();
    }

    @Test
    void everyServiceHasReadOnceEachReadAfterTheInstant() {
        FlipWatch watch = new FlipWatch(3);
        watch.arm(Stage.SHADOW, Stage.LIVE, AT);
        watch.read(0, T + 1, T + 2, Side.NEW);
        watch.read(1, T - 20, T - 10, Side.OLD);
        assertThat(watch.everyServiceReadAfter()).isFalse();
        watch.read(1, T + 2, T + 3, Side.OLD);
        watch.read(2, T + 4, T + 5, Side.NEW);

        assertThat(watch.everyServiceReadAfter()).isTrue();
        FlipWatch.Result r = watch.result(AT.minusMillis(500));
        assertThat(r.servicesAgreed() + r.lateReads()).isEqualTo(3);
        assertThat(r.readsAfter()).isEqualTo(3);
    }

    @Test
    void aReadOnTheNewStageBeforeTheInstantIsEarly() {
        FlipWatch watch = new FlipWatch(1);
        watch.arm(Stage.SHADOW, Stage.LIVE, AT);
        watch.read(0, T - 10, T - 9, Side.NEW);
        watch.read(0, T + 1, T + 2, Side.NEW);

        FlipWatch.Result r = watch.result(AT.minusMillis(500));

        assertThat(r.earlyReads()).isEqualTo(1);
        assertThat(r.unison()).isFalse();
    }

    @Test
    void aFlipHeldOnlyAfterItsInstantIsNotInUnison() {
        FlipWatch watch = new FlipWatch(1);
        watch.arm(Stage.SHADOW, Stage.LIVE, AT);
        watch.read(0, T + 1, T + 2, Side.NEW);

        FlipWatch.Result r = watch.result(AT.plusMillis(40));

        assertThat(r.heldBefore()).isNegative();
        assertThat(r.unison()).isFalse();
    }
}
