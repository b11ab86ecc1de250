package dev.cutover.openfeature;

import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.FlagStoreException;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.store.InMemoryFlagStore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link InMemoryFlagStore} behind a switch: while {@link #down()} every read fails, as a
 * database that went away would. Drives the client's status through STALE and FAILED and back.
 */
final class SwitchableStore implements FlagStore {
    private final InMemoryFlagStore store;
    private final AtomicInteger failedCalls = new AtomicInteger();
    private volatile boolean down;

    SwitchableStore(InMemoryFlagStore store) {
        this.store = store;
    }

    SwitchableStore down() {
        down = true;
        return this;
    }

    SwitchableStore up() {
        down = false;
        return this;
    }

    /** How many reads failed because the store was down. */
    int failedCalls() {
        return failedCalls.get();
    }

    @Override
    public StoreSnapshot load() {
        check();
        return store.load();
    }

    @Override
    public long headRevision() {
        check();
        return store.headRevision();
    }

    @Override
    public Subscription subscribe(ChangeHintListener listener) {
        return store.subscribe(listener);
    }

    @Override
    public String describe() {
        return "switchable";
    }

    private void check() {
        if (down) {
            failedCalls.incrementAndGet();
            throw new FlagStoreException("store is down (switched off by the test)");
        }
    }
}
