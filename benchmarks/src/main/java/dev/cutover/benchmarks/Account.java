package dev.cutover.benchmarks;

import java.util.Objects;

/**
 * The entity of the dual-write benchmarks: an immutable record, so the old and the new store can
 * hand out the same object and both comparisons (by {@code equals} and by Jackson tree) see equal
 * values.
 *
 * @param id the entity key
 * @param owner the account holder
 * @param balanceCents the balance in cents
 */
public record Account(String id, String owner, long balanceCents) {

    /** Rejects a missing id or owner. */
    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
    }
}
