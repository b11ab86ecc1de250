package dev.cutover.flags.internal;

import dev.cutover.flags.FlagChangeEvent;
import dev.cutover.flags.FlagChangeListener;
import dev.cutover.flags.Subscription;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listener registry. Events are delivered in order on one notification thread, so a slow listener
 * never delays a refresh or an evaluation; a throwing listener is logged and skipped.
 */
final class ChangeListeners {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeListeners.class);

    private final ConcurrentHashMap<String, CopyOnWriteArrayList<FlagChangeListener>> byKey = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<FlagChangeListener> any = new CopyOnWriteArrayList<>();

    Subscription add(String key, FlagChangeListener listener) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(listener, "listener");
        byKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> {
            List<FlagChangeListener> list = byKey.get(key);
            if (list != null) {
                list.remove(listener);
            }
        };
    }

    Subscription addAny(FlagChangeListener listener) {
        Objects.requireNonNull(listener, "listener");
        any.add(listener);
        return () -> any.remove(listener);
    }

    void dispatch(List<FlagChangeEvent> events, Executor executor) {
        if (events.isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> deliver(events));
        } catch (RejectedExecutionException e) {
            LOG.debug("client closed; {} flag change events not delivered", events.size());
        }
    }

    private void deliver(List<FlagChangeEvent> events) {
        for (FlagChangeEvent event : events) {
            List<FlagChangeListener> keyed = byKey.get(event.key());
            if (keyed != null) {
                keyed.forEach(l -> call(l, event));
            }
            any.forEach(l -> call(l, event));
        }
    }

    private static void call(FlagChangeListener listener, FlagChangeEvent event) {
        try {
            listener.onChange(event);
        } catch (RuntimeException e) {
            LOG.warn("Flag change listener failed for '{}'", event.key(), e);
        }
    }
}
