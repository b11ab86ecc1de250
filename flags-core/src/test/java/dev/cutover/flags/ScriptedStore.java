package dev.cutover.flags;

import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A store for fault injection: whole snapshots are published atomically, and it can be told to
 * fail or hang. Counts its calls.
 */
final class ScriptedStore implements FlagStore {
    enum Mode {
        OK,
        FAIL,
        HANG
    }

    final AtomicReference<StoreSnapshot> data = new AtomicReference<>(new StoreSnapshot(0, List.of()));
    final AtomicReference<Mode> mode = new AtomicReference<>(Mode.OK);
    final AtomicInteger heads = new AtomicInteger();
    final AtomicInteger loads = new AtomicInteger();
    final List<ChangeHintListener> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);

    /** Publishes the flags at the next revision. */
    void publish(Flag... flags) {
        List<RawFlag> raw = new ArrayList<>();
        for (Flag f : flags) {
            raw.add(new RawFlag(f.key(), Math.max(1, f.version()), f.toJson()));
        }
        publishRaw(raw);
    }

    void publishRaw(List<RawFlag> raw) {
        StoreSnapshot current = data.get();
        data.set(new StoreSnapshot(current.revision() + 1, raw));
        listeners.forEach(ChangeHintListener::changed);
    }

    void release() {
        released.countDown();
    }

    private void behave() throws Exception {
        switch (mode.get()) {
            case FAIL -> throw new java.io.IOException("store unavailable (injected)");
            case HANG -> released.await();
            default -> {}
        }
    }

    @Override
    public StoreSnapshot load() throws Exception {
        loads.incrementAndGet();
        behave();
        return data.get();
    }

    @Override
    public long headRevision() throws Exception {
        heads.incrementAndGet();
        behave();
        return data.get().revision();
    }

    @Override
    public dev.cutover.flags.Subscription subscribe(ChangeHintListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String describe() {
        return "scripted";
    }
}
