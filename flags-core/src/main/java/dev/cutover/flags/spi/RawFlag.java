package dev.cutover.flags.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One flag document as a store holds it, not yet parsed or validated. The store knows the key and
 * version independently of the JSON, so a malformed document can still be named and kept apart.
 *
 * <p>A store that finds a document unusable itself (for example larger than its configured
 * limit) hands it on with {@link #rejected(String, long, String)} instead of leaving it out, so the
 * client treats it like any invalid flag: one WARN naming the key and the reason, a metric, and
 * the previous valid version kept. Leaving it out would look like a deletion.
 *
 * @param key the flag key (the store's row or item key)
 * @param version the store's version of the document, starting at 1; authoritative: the client
 *     uses it rather than any version inside the JSON
 * @param json the flag JSON ({@link dev.cutover.flags.Flag#toJson()}); empty for a rejected document
 * @param rejection why the store rejected the document, or null when it did not
 * @since 0.1.0
 */
public record RawFlag(
        String key, long version, String json, @Nullable String rejection) {

    /** Checks for nulls and the version rule. */
    public RawFlag {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(json, "json");
        if (version < 1) {
            throw new IllegalArgumentException("version of flag '" + key + "' must be >= 1 but was " + version);
        }
    }

    /** A document as stored. */
    public RawFlag(String key, long version, String json) {
        this(key, version, json, null);
    }

    /** A document the store itself could not use, with the reason. */
    public static RawFlag rejected(String key, long version, String reason) {
        return new RawFlag(key, version, "", Objects.requireNonNull(reason, "reason"));
    }
}
