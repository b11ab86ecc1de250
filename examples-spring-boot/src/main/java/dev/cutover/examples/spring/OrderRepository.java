package dev.cutover.examples.spring;

import java.util.Optional;

/** What the application's code injects; the starter hands it the dual-write proxy. */
public interface OrderRepository {

    /** Stores an order. */
    Order save(Order order);

    /** An order by id. */
    Optional<Order> findById(String id);
}
