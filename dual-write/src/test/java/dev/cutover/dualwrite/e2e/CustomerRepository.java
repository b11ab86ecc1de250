package dev.cutover.dualwrite.e2e;

import java.util.List;
import java.util.Optional;

/**
 * The repository being migrated, as an application would declare it. By name, {@code find} and
 * {@code listByTier} are reads, {@code save} and {@code delete} writes.
 */
public interface CustomerRepository {

    Optional<Customer> find(String id);

    /** The customers of one tier, ordered by id. */
    List<Customer> listByTier(String tier);

    /** Inserts or replaces the customer with this id; returns it as stored. */
    Customer save(Customer customer);

    /** Deletes the customer with this id, if there is one. */
    void delete(String id);
}
