package dev.cutover.openfeature.internal;

/**
 * Counts tracking events for a metrics binder. An interface of this module's own, so that
 * {@code CutoverProvider} never mentions Micrometer and works without it on the class path.
 */
@FunctionalInterface
public interface TrackingCounter {

    /** Counts nothing. */
    TrackingCounter NONE = eventName -> {};

    /** Counts one tracking event. Must not throw. */
    void count(String eventName);
}
