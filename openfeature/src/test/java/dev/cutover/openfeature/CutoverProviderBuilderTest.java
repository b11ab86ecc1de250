package dev.cutover.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The builder's defaults, the shortcuts it stands behind, and its argument checks. */
class CutoverProviderBuilderTest {

    @Test
    @DisplayName("defaults: the application keeps the client, no flag versions, a 5 s initialization timeout")
    void defaultsAndShortcuts() {
        try (TestFlags flags = new TestFlags()) {
            CutoverProvider built = CutoverProvider.builder(flags.client()).build();
            assertThat(built.ownsClient()).isFalse();
            assertThat(built.exposesFlagVersions()).isFalse();
            assertThat(built.initializationTimeout()).isEqualTo(Duration.ofSeconds(5));

            CutoverProvider of = CutoverProvider.of(flags.client());
            assertThat(of.ownsClient()).isFalse();
            assertThat(of.initializationTimeout()).isEqualTo(CutoverProvider.DEFAULT_INITIALIZATION_TIMEOUT);
            CutoverProvider owning = CutoverProvider.owning(flags.client());
            assertThat(owning.ownsClient()).isTrue();
            assertThat(owning.exposesFlagVersions()).isFalse();

            CutoverProvider configured = CutoverProvider.builder(flags.client())
                    .owning(true)
                    .exposeFlagVersions(true)
                    .initializationTimeout(Duration.ZERO)
                    .trackingListener((event, context, details) -> {})
                    .build();
            assertThat(configured.ownsClient()).isTrue();
            assertThat(configured.exposesFlagVersions()).isTrue();
            assertThat(configured.initializationTimeout()).isZero();
        }
    }

    @Test
    @DisplayName("a negative timeout and null arguments are refused, naming the bad value")
    void badArgumentsAreNamed() {
        try (TestFlags flags = new TestFlags()) {
            CutoverProvider.Builder b = CutoverProvider.builder(flags.client());
            assertThatThrownBy(() -> b.initializationTimeout(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("initializationTimeout must be zero or positive but was PT-1S");
            assertThatThrownBy(() -> b.initializationTimeout(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("initializationTimeout");
            assertThatThrownBy(() -> b.trackingListener(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("trackingListener");
            assertThatThrownBy(() -> CutoverProvider.builder(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("client");
        }
    }

    @Property(tries = 200)
    void everyNonNegativeTimeoutIsKeptAndEveryNegativeOneIsRefused(
            @ForAll @LongRange(min = -1_000_000_000L, max = 1_000_000_000L) long millis) {
        Duration timeout = Duration.ofMillis(millis);
        try (TestFlags flags = new TestFlags()) {
            CutoverProvider.Builder b = CutoverProvider.builder(flags.client());
            if (millis >= 0) {
                assertThat(b.initializationTimeout(timeout).build().initializationTimeout())
                        .isEqualTo(timeout);
            } else {
                assertThatThrownBy(() -> b.initializationTimeout(timeout))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("initializationTimeout must be zero or positive but was " + timeout);
            }
        }
    }
}
