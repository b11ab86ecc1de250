package dev.cutover.flags.spi;

import java.util.Objects;

/**
 * One flag document as a store holds it, not yet parsed or validated. The store knows the key and
 * version independently of the JSON, so a malformed document can still be named and kept apart.
 *
 * @param key the flag key (the store's row or item key)
 * @param version the store's version of the document, starting at 1; authoritative: the client
 *     uses it rather than any version inside the JSON
 * @param json the flag JSON ({@link dev.cutover.flags.Flag#toJson()})
 * @since 0.1.0
 */
public record RawFlag(String key, long version, String json) {

  /** Checks for nulls. */
  public RawFlag {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(json, "json");
    if (version < 1) {
      throw new IllegalArgumentException(
          "version of flag '" + key + "' must be >= 1 but was " + version);
    }
  }
}
