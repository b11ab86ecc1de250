package dev.cutover.flags.spi;

import java.util.List;
import java.util.Objects;

/**
 * The complete flag set of a store at one revision.
 *
 * @param revision the store's revision; it grows with every write and never goes back
 * @param flags every flag document, each key at most once
 * @since 0.1.0
 */
public record StoreSnapshot(long revision, List<RawFlag> flags) {

    /** Copies the list. */
    public StoreSnapshot {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0 but was " + revision);
        }
        flags = List.copyOf(Objects.requireNonNull(flags, "flags"));
    }
}
