package dev.cutover.flags.internal;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Subscription;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of {@code FlagClient.onStatus}, told the status after every refresh cycle.
 *
 * <p><b>Concurrency design.</b> Listeners are added and removed from any thread (a copy-on-write
 * list: registration is rare, telling is frequent); {@link #tell} runs on the refresher thread
 * only, so listeners are called one at a time, in cycle order. A listener's exception is caught
 * and logged once per listener class: it never reaches the refresher and never stops polling.
 */
final class StatusListeners {
    private static final Logger LOG = LoggerFactory.getLogger(StatusListeners.class);

    private final List<Consumer<ClientStatus>> listeners = new CopyOnWriteArrayList<>();
    private final Set<Class<?>> failed = ConcurrentHashMap.newKeySet();

    /** Adds a listener; closing the subscription removes it. */
    Subscription add(Consumer<ClientStatus> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Tells every listener the status; reads it only when there is a listener. Refresher thread. */
    void tell(Supplier<ClientStatus> status) {
        if (listeners.isEmpty()) {
            return;
        }
        ClientStatus s = status.get();
        for (Consumer<ClientStatus> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                if (failed.add(l.getClass())) {
                    LOG.warn("Flag client status listener {} failed", l, e);
                }
            }
        }
    }
}
