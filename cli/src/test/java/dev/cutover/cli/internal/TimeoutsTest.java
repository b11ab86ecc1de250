package dev.cutover.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** The timeouts of {@code --wait-fleet}: the forms operators type, the range, and the refusals. */
class TimeoutsTest {

    @Test
    void theFormsOperatorsType() {
        assertThat(Timeouts.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Timeouts.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Timeouts.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Timeouts.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Timeouts.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Timeouts.parse(" 2M ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Timeouts.parse("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Timeouts.parse("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Timeouts.parse("1s")).isEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "120", "2", "2 m", "2min", "2 minutes", "-1m", "1.5s", "m", "s2", "PT-1M", "P1D!"})
    void aMalformedTimeoutNamesTheForms(String text) {
        assertThatThrownBy(() -> Timeouts.parse(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("expected a timeout such as 90s, 2m, 1m30s, 1h or 1500ms (1s to 24h)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0ms", "999ms", "PT0S", "24h1s", "25h", "1441m", "P2D"})
    void aTimeoutOutOfRangeSaysTheRange(String text) {
        assertThatThrownBy(() -> Timeouts.parse(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("a timeout must be from 1s to 24h but was '" + text + "'");
    }

    /** What {@link Timeouts#show} prints for a whole number of seconds reads back as the same duration. */
    @Property(tries = 200)
    void shownTimeoutsReadBack(@ForAll @LongRange(min = 1, max = 86_400) long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        assertThat(Timeouts.parse(Timeouts.show(d))).isEqualTo(d);
    }

    @Test
    void agesAreShortAndReadable() {
        assertThat(Timeouts.show(Duration.ofMillis(180))).isEqualTo("180ms");
        assertThat(Timeouts.show(Duration.ofMillis(1234))).isEqualTo("1.2s");
        assertThat(Timeouts.show(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Timeouts.show(Duration.ofSeconds(150))).isEqualTo("2m30s");
        assertThat(Timeouts.show(Duration.ofMinutes(120))).isEqualTo("2h");
    }
}
