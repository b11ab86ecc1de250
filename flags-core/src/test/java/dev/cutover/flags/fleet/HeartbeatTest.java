package dev.cutover.flags.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatus.Source;
import dev.cutover.flags.ClientStatus.State;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** What a heartbeat accepts, what it refuses (naming the value), and how its stages round-trip. */
class HeartbeatTest {
    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

    private static Heartbeat beat(String service, String instance, Map<String, String> stages) {
        return new Heartbeat(service, instance, 7, stages, State.READY, Source.STORE, AT, Duration.ofSeconds(30));
    }

    @Test
    void badNamesAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> beat("orders service", "i-1", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name must match")
                .hasMessageContaining("\"orders service\"");
        assertThatThrownBy(() -> beat("orders", "i'; DROP TABLE x; --", Map.of()))
                .hasMessageContaining("instance name must match")
                .hasMessageContaining("\"i'; DROP TABLE x; --\"");
        assertThatThrownBy(() -> beat("orders", "i\u0000\n", Map.of())).hasMessageContaining("\"i\\u0000\\u000a\"");
        assertThatThrownBy(() -> beat("orders", "i-1", Map.of("orders", "LIVE NOW")))
                .hasMessageContaining("stage of proxy orders")
                .hasMessageContaining("\"LIVE NOW\"");
        assertThatThrownBy(() -> beat("orders", "i-1", Map.of("a/b", "LIVE"))).hasMessageContaining("proxy name");
        assertThatThrownBy(() -> beat("", "i-1", Map.of())).hasMessageContaining("but was \"\"");
        assertThatThrownBy(() -> beat("x".repeat(129), "i-1", Map.of())).hasMessageContaining("service name");
    }

    @Test
    void badNumbersAreRefusedNamingTheValue() {
        assertThatThrownBy(() ->
                        new Heartbeat("s", "i", -1, Map.of(), State.READY, Source.STORE, AT, Duration.ofSeconds(1)))
                .hasMessage("heartbeat revision must be >= 0 but was -1");
        assertThatThrownBy(() -> new Heartbeat("s", "i", 1, Map.of(), State.READY, Source.STORE, AT, Duration.ZERO))
                .hasMessage("heartbeat interval must be positive but was PT0S");
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= Heartbeat.MAX_STAGES; i++) {
            many.put("p" + i, "LIVE");
        }
        assertThatThrownBy(() -> beat("s", "i", many)).hasMessageContaining("at most 64 proxies but was given 65");
    }

    @Test
    void expiresAfterTwentyIntervalsButNeverBeforeTenMinutes() {
        assertThat(beat("s", "i", Map.of()).expiresAt()).isEqualTo(AT.plus(Duration.ofMinutes(10)));
        Heartbeat slow = new Heartbeat("s", "i", 1, Map.of(), State.READY, Source.STORE, AT, Duration.ofMinutes(1));
        assertThat(slow.expiresAt()).isEqualTo(AT.plus(Duration.ofMinutes(20)));
    }

    @Test
    void malformedStagesTextIsRefusedNamingIt() {
        assertThatThrownBy(() -> Heartbeat.parseStages("[1,2]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"[1,2]\"");
        assertThat(Heartbeat.parseStages("null")).isEmpty();
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(127);
    }

    @Property(tries = 200)
    void stagesRoundTripThroughTheirJson(
            @ForAll("names") String service, @ForAll("names") String proxy, @ForAll("names") String other) {
        Heartbeat beat = beat(service, "i", Map.of(proxy, "SHADOW", other + "x", "NEW_ONLY"));
        assertThat(Heartbeat.parseStages(beat.stagesJson())).isEqualTo(beat.stages());
        assertThat(List.copyOf(beat.stages().keySet())).isSorted();
    }

    @Property(tries = 300)
    void everyNameIsEitherValidOrRefusedWithItsValue(@ForAll String name) {
        if (Heartbeat.isValidName(name)) {
            assertThat(Heartbeat.checkName("service", name)).isEqualTo(name);
        } else {
            assertThatThrownBy(() -> Heartbeat.checkName("service", name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("service name must match");
        }
    }
}
