package dev.cutover.dualwrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** A thread-safe in-memory store that logs every write it applied, with the thread that made it. */
public class InMemoryOrders implements OrderRepository {
    /** One applied write. */
    public record Applied(String method, String key, String thread) {}

    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentSkipListMap<String, Order> orders = new ConcurrentSkipListMap<>();
    public final ConcurrentLinkedQueue<Applied> applied = new ConcurrentLinkedQueue<>();
    /** Every find, with the thread that made it. */
    public final ConcurrentLinkedQueue<Applied> finds = new ConcurrentLinkedQueue<>();
    /** How long each save takes, to widen races in concurrency tests; 0 by default. */
    public volatile long saveNanos;

    public InMemoryOrders(String idPrefix) {
        this.idPrefix = idPrefix;
    }

    @Override
    public Optional<Order> find(String id) {
        finds.add(new Applied("find", id, Thread.currentThread().getName()));
        return Optional.ofNullable(orders.get(id));
    }

    @Override
    public List<Order> list() {
        return new ArrayList<>(orders.values());
    }

    @Override
    public long count() {
        return orders.size();
    }

    @Override
    public Order save(Order order) {
        if (saveNanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(saveNanos);
        }
        Order stored = order.id() == null ? order.withId(idPrefix + ids.incrementAndGet()) : order;
        orders.put(stored.id(), stored);
        applied.add(new Applied("save", stored.id(), Thread.currentThread().getName()));
        return stored;
    }

    @Override
    public boolean delete(String id) {
        boolean removed = orders.remove(id) != null;
        applied.add(new Applied("delete", id, Thread.currentThread().getName()));
        return removed;
    }

    @Override
    public Order require(String id) throws OrderNotFoundException {
        Order o = orders.get(id);
        if (o == null) {
            throw new OrderNotFoundException(id);
        }
        return o;
    }

    /** The stored order, bypassing everything. */
    public Optional<Order> peek(String id) {
        return Optional.ofNullable(orders.get(id));
    }

    /** Writes directly, as if the store changed on its own. */
    public void put(Order order) {
        orders.put(order.id(), order);
    }
}
