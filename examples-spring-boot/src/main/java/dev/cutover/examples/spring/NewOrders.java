package dev.cutover.examples.spring;

import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The new store: a plain {@code @Repository} on the table {@code new_orders} (bean {@code newOrders}). */
@Repository
public class NewOrders implements OrderRepository {
    private final JdbcTemplate jdbc;

    NewOrders(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Order save(Order order) {
        jdbc.update(
                "INSERT INTO new_orders (id, item) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET item = EXCLUDED.item",
                order.id(),
                order.item());
        return order;
    }

    @Override
    public Optional<Order> findById(String id) {
        return jdbc
                .query(
                        "SELECT id, item FROM new_orders WHERE id = ?",
                        (rs, n) -> new Order(rs.getString(1), rs.getString(2), null),
                        id)
                .stream()
                .findFirst();
    }

    /** How many orders the new store holds. */
    public long count() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM new_orders", Long.class);
        return n == null ? 0 : n;
    }
}
