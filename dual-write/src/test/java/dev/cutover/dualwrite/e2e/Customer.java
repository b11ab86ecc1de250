package dev.cutover.dualwrite.e2e;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * A customer as both stores hold it. {@code updatedAt} is kept to the millisecond (what both
 * stores round-trip) and is set by the caller, strictly increasing per customer, so it doubles as
 * a version. {@code tags} is an ordered list in PostgreSQL but a string set in DynamoDB, which does
 * not keep the order: the comparison treats it as unordered, and {@link #canonical()} sorts it.
 */
public record Customer(String id, String name, String tier, List<String> tags, Instant updatedAt) {

    public Customer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tier, "tier");
        tags = List.copyOf(tags);
        updatedAt = updatedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The same customer with its tags sorted: equal for two stores exactly when they agree. */
    Customer canonical() {
        return new Customer(id, name, tier, tags.stream().sorted().toList(), updatedAt);
    }
}
