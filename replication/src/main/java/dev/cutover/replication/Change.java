package dev.cutover.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One versioned change of one entity: an upsert carrying the entity's new state, or a delete. The
 * same type describes a row read from a store (a live entity is an upsert, a tombstone a delete),
 * so the observer, the backfill and the repair all hand the target the same thing.
 *
 * <pre>{@code
 * Change.upsert("order-17", event.sequence(), mapper.valueToTree(order));
 * Change.delete("order-17", event.sequence());
 * }</pre>
 *
 * @param key the entity key in the target's key space (after any normalization), 1 to {@value
 *     #MAX_KEY_LENGTH} characters
 * @param version the entity's version: higher is newer; at least 1. Where the old store keeps no
 *     version, stamp one (the event's sequence number, or {@link HybridLogicalClock})
 * @param kind upsert or delete
 * @param payload the entity's state for an upsert; null for a delete
 * @since 0.1.0
 */
public record Change(
        String key, long version, Kind kind, @Nullable JsonNode payload) {
    /** Longest key a change may carry. */
    public static final int MAX_KEY_LENGTH = 1024;

    /** What a change does. */
    public enum Kind {
        /** Create or replace the entity. */
        UPSERT,
        /** Delete the entity, leaving a tombstone with this version. */
        DELETE
    }

    public Change {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("change key must be 1 to " + MAX_KEY_LENGTH + " characters but was "
                    + key.length() + " characters");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version of change '" + key + "' must be >= 1 but was " + version);
        }
        if (kind == Kind.UPSERT && payload == null) {
            throw new IllegalArgumentException("upsert of '" + key + "' at version " + version + " has no payload");
        }
        if (kind == Kind.DELETE && payload != null) {
            throw new IllegalArgumentException("delete of '" + key + "' at version " + version + " carries a payload");
        }
    }

    /** An upsert of {@code key} to {@code payload} at {@code version}. */
    public static Change upsert(String key, long version, JsonNode payload) {
        return new Change(key, version, Kind.UPSERT, Objects.requireNonNull(payload, "payload"));
    }

    /** A delete of {@code key} at {@code version}. */
    public static Change delete(String key, long version) {
        return new Change(key, version, Kind.DELETE, null);
    }

    /** Whether this is a delete (a tombstone, when read from a store). */
    public boolean isDelete() {
        return kind == Kind.DELETE;
    }

    /** This change with another key: what key normalization produces. */
    public Change withKey(String newKey) {
        return new Change(newKey, version, kind, payload);
    }

    /** Names key, version and kind only: payloads are entity data and stay out of logs. */
    @Override
    public String toString() {
        return "Change[" + kind + " " + key + " v" + version + "]";
    }
}
