package dev.cutover.examples.rekey;

import java.util.Optional;

/**
 * The repository every service uses. Both tables implement it; the services get the dual-write
 * proxy of it, so which table answers is decided by the stage flag on every call.
 */
interface Orders {

    /** The order with this id as the caller knows it, or empty. */
    Optional<Order> find(String id);

    /** Creates or replaces the order; its version is one above the id's previous write. */
    void save(Order order);

    /** Deletes the order; {@code version} is one above the id's previous write. */
    void delete(String id, long version);
}
