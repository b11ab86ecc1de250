package dev.cutover.examples.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One event of the presentation app, as its event store keeps it. Events carry the whole state of
 * their entity after the change (the document, not a delta), which is what the app's screens and
 * the old analytics read.
 *
 * @param seq the store's sequence number: increases with every event, so it orders the events of
 *     an entity; the migration uses it as the entity's version
 * @param type what happened, such as {@code viewer.joined}
 * @param entityId the entity changed, its type as a prefix: {@code pres-00012}, {@code viewer-00042}
 * @param op whether the entity was created, edited or deleted
 * @param at when it happened (the app's clock)
 * @param data the entity's state after the event; null for a delete
 */
public record Event(
        long seq,
        String type,
        String entityId,
        Op op,
        Instant at,
        @Nullable ObjectNode data) {

    /** What an event does to its entity. */
    public enum Op {
        /** The entity is new. */
        CREATE,
        /** The entity changed. */
        EDIT,
        /** The entity is gone. */
        DELETE
    }

    /** Checks that deletes carry no state and everything else does. */
    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(entityId, "entityId");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(at, "at");
        if ((op == Op.DELETE) != (data == null)) {
            throw new IllegalArgumentException("event " + type + " of " + entityId + " is a " + op
                    + (data == null ? " without" : " with") + " data");
        }
    }
}
