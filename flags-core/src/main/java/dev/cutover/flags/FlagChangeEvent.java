package dev.cutover.flags;

/**
 * One flag whose definition changed in the client's snapshot (added, updated, deleted, or a
 * scheduled definition that reached its {@code effectiveAt} instant).
 *
 * @param key the flag key
 * @param oldVersion version before, 0 when the flag was added
 * @param newVersion version after, 0 when the flag was deleted
 * @param revision snapshot revision that carries the change
 * @since 0.1.0
 */
public record FlagChangeEvent(String key, long oldVersion, long newVersion, long revision) {

    /** Whether the flag no longer exists. */
    public boolean deleted() {
        return newVersion == 0;
    }
}
