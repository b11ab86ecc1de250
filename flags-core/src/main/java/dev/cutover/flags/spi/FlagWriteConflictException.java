package dev.cutover.flags.spi;

/**
 * A compare-and-set write lost: the flag's stored version was not the expected one, because
 * someone else wrote it meanwhile. Nothing was written. Read the flag again, re-apply the change,
 * and retry.
 *
 * @since 0.1.0
 */
public class FlagWriteConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final long expectedVersion;
    private final long actualVersion;

    /**
     * Creates the exception.
     *
     * @param key the flag key
     * @param expectedVersion the version the writer expected (0: absent)
     * @param actualVersion the version stored (0: absent)
     */
    public FlagWriteConflictException(String key, long expectedVersion, long actualVersion) {
        super("write conflict on flag '"
                + key
                + "': expected version "
                + expectedVersion
                + " but the store has version "
                + actualVersion
                + (actualVersion == 0 ? " (absent)" : ""));
        this.key = key;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    /** The flag key. */
    public String key() {
        return key;
    }

    /** The version the writer expected; 0 means it expected the flag to be absent. */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** The version the store holds; 0 means the flag is absent. */
    public long actualVersion() {
        return actualVersion;
    }
}
