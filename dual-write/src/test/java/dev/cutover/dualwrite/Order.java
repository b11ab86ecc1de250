package dev.cutover.dualwrite;

import org.jspecify.annotations.Nullable;

/** A test entity: an immutable order. */
public record Order(@Nullable String id, String customer, String status, long totalCents) {

    Order withId(String newId) {
        return new Order(newId, customer, status, totalCents);
    }
}
