package dev.cutover.dualwrite;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * Wraps a store and injects faults chosen per (method, entity key), so the same call gets the same
 * fault whichever thread makes it. Records every call it received and whether it returned.
 */
public class FaultyOrders implements OrderRepository {
    /** One call this store received. */
    public record Received(String method, String key, Fault fault, boolean returned) {}

    private final OrderRepository delegate;
    private final BiFunction<String, String, Fault> faults;
    private final Duration delay;
    public final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    public FaultyOrders(OrderRepository delegate, BiFunction<String, String, Fault> faults, Duration delay) {
        this.delegate = delegate;
        this.faults = faults;
        this.delay = delay;
    }

    private Fault before(String method, String key) {
        Fault f = faults.apply(method, key);
        if (f == Fault.THROW) {
            received.add(new Received(method, key, f, false));
            throw new IllegalStateException("injected failure in " + method);
        }
        if (f == Fault.DELAY) {
            long end = System.nanoTime() + delay.toNanos();
            while (System.nanoTime() - end < 0) {
                LockSupport.parkNanos(end - System.nanoTime());
                if (Thread.interrupted()) {
                    received.add(new Received(method, key, f, false));
                    throw new IllegalStateException("interrupted in " + method);
                }
            }
        }
        return f;
    }

    private <T> T after(String method, String key, Fault f, T result, T nullValue) {
        received.add(new Received(method, key, f, true));
        return f == Fault.NULL ? nullValue : result;
    }

    @Override
    public Optional<Order> find(String id) {
        Fault f = before("find", id);
        return after("find", id, f, delegate.find(id), null);
    }

    @Override
    public List<Order> list() {
        Fault f = before("list", "*");
        return after("list", "*", f, delegate.list(), null);
    }

    @Override
    public long count() {
        Fault f = before("count", "*");
        return after("count", "*", f, delegate.count(), 0L);
    }

    @Override
    public Order save(Order order) {
        String key = String.valueOf(order.id());
        Fault f = before("save", key);
        return after("save", key, f, delegate.save(order), null);
    }

    @Override
    public boolean delete(String id) {
        Fault f = before("delete", id);
        return after("delete", id, f, delegate.delete(id), false);
    }

    @Override
    public Order require(String id) throws OrderNotFoundException {
        Fault f = before("require", id);
        return after("require", id, f, delegate.require(id), null);
    }
}
