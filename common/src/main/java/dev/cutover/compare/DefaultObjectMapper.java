package dev.cutover.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The mapper a {@link Comparison} uses unless given one, shared (an {@code ObjectMapper} is
 * thread-safe once configured, and costly to build).
 *
 * <ul>
 *   <li>{@code java.time} values as ISO-8601 text ({@code Instant} as {@code
 *       "2024-05-01T10:15:30.123456Z"}), so {@link Comparison.Builder#timestampPrecision} applies
 *       to them;
 *   <li>{@code Optional} and friends by content ({@code Optional.empty()} as {@code null});
 *   <li>an object without properties as {@code {}} rather than a failure.
 * </ul>
 *
 * <p>The module list is fixed rather than found on the class path, so that what is compared does
 * not change when an unrelated jar is added.
 */
final class DefaultObjectMapper {
    static final ObjectMapper INSTANCE = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private DefaultObjectMapper() {}
}
