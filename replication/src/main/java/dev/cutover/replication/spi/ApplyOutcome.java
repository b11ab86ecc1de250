package dev.cutover.replication.spi;

/**
 * What the versioned apply did with one change.
 *
 * @since 0.1.0
 */
public enum ApplyOutcome {
    /** The change was newer than what the target held (or the key was new) and was written. */
    APPLIED,
    /** The target already held a newer version of the key, live or a tombstone; nothing written. */
    SUPERSEDED,
    /** The target already held this very version of the key; nothing written. */
    DUPLICATE
}
