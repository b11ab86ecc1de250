package dev.cutover.replication;

import java.util.Objects;

/**
 * Two old keys that the transform or the key normalizer mapped to one new key: the backfill applied
 * the row of the key it met first and not this one, so the two entities are never merged silently.
 * Counted, logged at WARN, given to {@link BackfillListener#onCollision} and kept in {@link
 * BackfillResult#collisions()}. Resolve it by hand (rename one entity in the old store, or map it
 * elsewhere in the transform), then run the backfill again under a new name.
 *
 * <pre>{@code
 * for (BackfillCollision c : result.collisions()) {
 *   log.error("{} and {} both became {}", c.firstKey(), c.collidingKey(), c.newKey());
 * }
 * }</pre>
 *
 * @param newKey the key both map to in the target
 * @param firstKey the old key met first, whose row was applied
 * @param collidingKey the old key met later, whose row was not applied
 * @param segment the source segment the colliding row was read from
 * @since 0.1.0
 */
public record BackfillCollision(String newKey, String firstKey, String collidingKey, int segment) {
    public BackfillCollision {
        Objects.requireNonNull(newKey, "newKey");
        Objects.requireNonNull(firstKey, "firstKey");
        Objects.requireNonNull(collidingKey, "collidingKey");
    }
}
