package dev.cutover.flags.spi;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscribers of one store's push hints, for store authors: add and remove them from
 * {@link FlagStore#subscribe}, and {@link #fire()} on every change the store notices. A listener
 * that throws is logged with the store's name and does not stop the others. Thread-safe.
 *
 * <pre>{@code
 * private final ChangeHints hints = new ChangeHints(describe());
 * public Subscription subscribe(ChangeHintListener l) { hints.add(l); return () -> hints.remove(l); }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ChangeHints {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeHints.class);

    private final String storeName;
    private final List<ChangeHintListener> listeners = new CopyOnWriteArrayList<>();

    /** Hints of the store named {@code storeName} in logs. */
    public ChangeHints(String storeName) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
    }

    /** Adds a subscriber. */
    public void add(ChangeHintListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a subscriber; returns true when none is left, so the store can stop its push source. */
    public boolean remove(ChangeHintListener listener) {
        listeners.remove(listener);
        return listeners.isEmpty();
    }

    /** Whether nobody is subscribed. */
    public boolean isEmpty() {
        return listeners.isEmpty();
    }

    /** Removes every subscriber. */
    public void clear() {
        listeners.clear();
    }

    /** Tells every subscriber that something changed. */
    public void fire() {
        for (ChangeHintListener listener : listeners) {
            try {
                listener.changed();
            } catch (RuntimeException e) {
                LOG.warn("{}: change hint listener failed", storeName, e);
            }
        }
    }
}
