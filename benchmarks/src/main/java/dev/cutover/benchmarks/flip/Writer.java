package dev.cutover.benchmarks.flip;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.WritableFlagStore;

/**
 * Flips the flag through its own store, which is not one of the instances. Creates the flag,
 * {@code false}, at version 1; the store must not hold it yet.
 */
final class Writer {
    private final WritableFlagStore store;
    private final AuditInfo audit = new AuditInfo("flip-propagation", "benchmark flip");
    private long version;
    private boolean value;

    Writer(WritableFlagStore store) throws Exception {
        this.store = store;
        this.version = store.put(
                        Flag.booleanFlag(FlipHarness.FLAG, false),
                        0,
                        new AuditInfo("flip-propagation", "benchmark setup"))
                .version();
    }

    /** Writes the opposite value; returns it once the write committed. */
    boolean flip() throws Exception {
        boolean next = !value;
        version = store.put(Flag.booleanFlag(FlipHarness.FLAG, next), version, audit)
                .version();
        value = next;
        return next;
    }

    /** The value last written. */
    boolean value() {
        return value;
    }
}
