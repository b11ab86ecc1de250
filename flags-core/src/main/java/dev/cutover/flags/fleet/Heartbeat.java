package dev.cutover.flags.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where one instance of a service stood when it last reported: the flag revision it has applied,
 * the stage each of its dual-write proxies serves, and its client's status.
 *
 * <p>Names are checked like flag keys, so that a service or instance name is always plain data to a
 * store and a terminal: letters, digits, {@code .}, {@code -}, {@code _}, 1 to 128 characters
 * ({@link #NAME_PATTERN}). Proxy names follow the same rule; a stage is 1 to 64 such characters.
 * A bad value is refused with an {@link IllegalArgumentException} that names it.
 *
 * <pre>{@code
 * Heartbeat beat = new Heartbeat("orders-service", "orders-7f9c-1234", 42,
 *     Map.of("orders", "SHADOW"), State.READY, Source.STORE, Instant.now(), Duration.ofSeconds(30));
 * }</pre>
 *
 * @param service the service the instance belongs to
 * @param instance the instance, unique within its service
 * @param revision the flag revision the instance serves (0: none yet)
 * @param stages proxy name to the stage it serves now, in name order
 * @param state the instance's flag client state
 * @param source where the instance's flags came from
 * @param sentAt when the instance wrote this heartbeat, by its own clock
 * @param interval how often the instance writes a heartbeat when nothing changes
 * @since 0.2.0
 */
public record Heartbeat(
        String service,
        String instance,
        long revision,
        Map<String, String> stages,
        ClientStatus.State state,
        ClientStatus.Source source,
        Instant sentAt,
        Duration interval) {

    /** Service, instance and proxy names: as flag keys. */
    public static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** Stage names. */
    public static final Pattern STAGE_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** At most this many proxies per heartbeat. */
    public static final int MAX_STAGES = 64;

    /**
     * A stored heartbeat is dropped after this many intervals without a newer one, and never less
     * than {@link #MIN_RETENTION}: an instance that died keeps showing as missed until then.
     */
    public static final int RETENTION_INTERVALS = 20;

    /** The least time a heartbeat is kept. */
    public static final Duration MIN_RETENTION = Duration.ofMinutes(10);

    private static final TypeReference<TreeMap<String, String>> STAGES = new TypeReference<>() {};

    /** Checks every value; see the class comment. */
    public Heartbeat {
        checkName("service", service);
        checkName("instance", instance);
        if (revision < 0) {
            throw new IllegalArgumentException("heartbeat revision must be >= 0 but was " + revision);
        }
        Objects.requireNonNull(stages, "stages");
        if (stages.size() > MAX_STAGES) {
            throw new IllegalArgumentException(
                    "a heartbeat holds at most " + MAX_STAGES + " proxies but was given " + stages.size());
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        stages.forEach((proxy, stage) -> {
            checkName("proxy", proxy);
            if (stage == null || !STAGE_PATTERN.matcher(stage).matches()) {
                throw new IllegalArgumentException("stage of proxy " + proxy + " must match " + STAGE_PATTERN.pattern()
                        + " but was " + quoted(stage));
            }
            sorted.put(proxy, stage);
        });
        stages = Collections.unmodifiableMap(sorted);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive but was " + interval);
        }
    }

    /** Whether {@code name} is a valid service, instance or proxy name. */
    public static boolean isValidName(@Nullable String name) {
        return name != null && NAME_PATTERN.matcher(name).matches();
    }

    /**
     * Throws an {@link IllegalArgumentException} naming {@code what} and the value unless {@code
     * name} is valid; for stores and tools that take names from users.
     */
    public static String checkName(String what, @Nullable String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException(what + " name must match " + NAME_PATTERN.pattern()
                    + " (letters, digits, '.', '-', '_'; 1 to 128 characters) but was " + quoted(name));
        }
        return name;
    }

    /** When a store may forget this heartbeat: see {@link #RETENTION_INTERVALS}. */
    public Instant expiresAt() {
        Duration keep = interval.multipliedBy(RETENTION_INTERVALS);
        return sentAt.plus(keep.compareTo(MIN_RETENTION) < 0 ? MIN_RETENTION : keep);
    }

    /** The stages as a JSON object, for stores that keep them as text. */
    public String stagesJson() {
        try {
            return Json.MAPPER.writeValueAsString(stages);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write stages " + stages, e);
        }
    }

    /**
     * Reads stages written by {@link #stagesJson()}.
     *
     * @throws IllegalArgumentException when {@code json} is not an object of strings
     */
    public static Map<String, String> parseStages(String json) {
        try {
            TreeMap<String, String> stages = Json.MAPPER.readValue(json, STAGES);
            return stages == null ? Map.of() : stages;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stages must be a JSON object of strings but was " + quoted(json), e);
        }
    }

    private static String quoted(@Nullable String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 140 ? value.substring(0, 140) + "..." : value;
        StringBuilder out = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && Character.isISOControl(c))) {
                out.append(String.format("\\u%04x", c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }
}
