package dev.cutover.replication.spi;

/**
 * What {@link VersionedTarget#replaceIfUnchanged} did.
 *
 * @since 0.1.0
 */
public enum ReplaceOutcome {
    /** The target held exactly the expected version and content; it now holds the new row. */
    REPLACED,
    /**
     * The target no longer held what was expected (a newer version, other content at the same
     * version, a tombstone, or nothing): nothing was written.
     */
    CHANGED
}
