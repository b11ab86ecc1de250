package dev.cutover.openfeature;

import dev.cutover.testkit.Eventually;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.ProviderEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Every provider event an OpenFeature client's handlers received, in order, for the tests to wait on. */
final class ReceivedEvents {
    /** How long a test waits for an event. */
    static final Duration WAIT = Duration.ofSeconds(20);

    /** One event as a handler received it. */
    record Received(ProviderEvent event, EventDetails details) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** Registers a handler for every event type on {@code client}; returns it. */
    Client listen(Client client) {
        for (ProviderEvent event : ProviderEvent.values()) {
            client.on(event, details -> received.add(new Received(event, details)));
        }
        return client;
    }

    /** Waits until an {@code event} matching {@code condition} arrived. */
    void await(ProviderEvent event, String what, Predicate<EventDetails> condition) {
        Eventually.within(
                WAIT, what, () -> received.stream().anyMatch(r -> r.event() == event && condition.test(r.details())));
    }

    /** How many {@code event}s arrived. */
    long count(ProviderEvent event) {
        return received.stream().filter(r -> r.event() == event).count();
    }

    /** Every event so far, in order. */
    List<Received> all() {
        return received;
    }
}
