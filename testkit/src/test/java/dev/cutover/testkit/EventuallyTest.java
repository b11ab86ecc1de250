package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger checks = new AtomicInteger();
        Eventually.within(Duration.ofSeconds(5), "third check", () -> checks.incrementAndGet() == 3);
        assertThat(checks).hasValue(3);
    }

    @Test
    void failsNamingWhatWasAwaitedAndTheDeadline() {
        AtomicInteger checks = new AtomicInteger();
        assertThatThrownBy(() -> Eventually.within(Duration.ofMillis(30), "the impossible", () -> {
                    checks.incrementAndGet();
                    return false;
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessage("timed out after PT0.03S waiting for the impossible");
        assertThat(checks.get()).isGreaterThan(1);
    }
}
