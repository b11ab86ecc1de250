package dev.cutover.openfeature;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.TrackingEventDetails;
import org.jspecify.annotations.Nullable;

/**
 * Receives the tracking events an application records through OpenFeature's
 * {@code client.track(...)}: Cutover has no experimentation backend of its own, so a
 * {@link CutoverProvider} hands each event to this listener (set with
 * {@link CutoverProvider.Builder#trackingListener}), which forwards it to an analytics pipeline.
 *
 * <pre>{@code
 * CutoverProvider provider = CutoverProvider.builder(flags)
 *     .trackingListener((event, context, details) -> analytics.record(event, context.getTargetingKey(), details))
 *     .build();
 * }</pre>
 *
 * <p>Contract: called on the thread that called {@code track}, once per event with a valid (non-blank)
 * name; it should return quickly and hand any I/O to another thread. An exception it throws is
 * caught and logged once per exception class; it never reaches the caller of {@code track}.
 * Listeners may be called from many threads at once.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface TrackingListener {

    /**
     * One tracking event.
     *
     * @param eventName the tracking event name, never blank
     * @param context the evaluation context as the OpenFeature SDK merged it (API, transaction,
     *     client and invocation context); empty when there is none
     * @param details the tracking event details (an optional numeric value and custom fields), null
     *     when the application gave none
     */
    void onTrack(String eventName, EvaluationContext context, @Nullable TrackingEventDetails details);
}
