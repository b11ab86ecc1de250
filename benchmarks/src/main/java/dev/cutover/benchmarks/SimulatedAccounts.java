package dev.cutover.benchmarks;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-memory {@link Accounts} with a simulated latency on every call, before the map is touched.
 *
 * <ul>
 *   <li>{@link #instant}: no latency, a map lookup, so that per-call overhead shows in ns;
 *   <li>{@link #spinning}: busy-waits on {@link System#nanoTime()} for its latency, on the
 *       caller's thread: a deterministic wall-clock time, the old store of the shadow scenarios;
 *   <li>{@link #parking}: waits with {@link LockSupport#parkNanos} until its latency has passed, so
 *       a thread waiting for it uses no CPU, as a thread waiting for a real store's I/O would not.
 *       On 2 cores this keeps shadow threads from taking CPU from the measured thread. The wait
 *       ends no earlier than the latency, and usually some tens of µs later (timer slack and
 *       wake-up); {@code directNew_shadowRead} measures it.
 * </ul>
 *
 * <p>The data is a {@link ConcurrentHashMap}: shadow threads read and write the new store while the
 * caller uses the old one. An interrupt (Cutover's shadow budget) ends a parking wait early and is
 * left set. Thread-safe.
 */
public final class SimulatedAccounts implements Accounts {

    private enum Wait {
        NONE,
        SPIN,
        PARK
    }

    private final Map<String, Account> data = new ConcurrentHashMap<>();
    private final Wait wait;
    private final long latencyNanos;

    private SimulatedAccounts(Wait wait, Duration latency, Collection<Account> accounts) {
        this.wait = wait;
        this.latencyNanos = latency.toNanos();
        for (Account a : accounts) {
            data.put(a.id(), a);
        }
    }

    /** A store without latency, holding {@code accounts}. */
    public static SimulatedAccounts instant(Collection<Account> accounts) {
        return new SimulatedAccounts(Wait.NONE, Duration.ZERO, accounts);
    }

    /** A store that busy-waits {@code latency} on every call, holding {@code accounts}. */
    public static SimulatedAccounts spinning(Duration latency, Collection<Account> accounts) {
        return new SimulatedAccounts(Wait.SPIN, latency, accounts);
    }

    /** A store that parks for at least {@code latency} on every call, holding {@code accounts}. */
    public static SimulatedAccounts parking(Duration latency, Collection<Account> accounts) {
        return new SimulatedAccounts(Wait.PARK, latency, accounts);
    }

    /**
     * The stored account with this id, or null, read at once without the latency: for checks after a
     * run, not a repository call.
     */
    public Account peek(String id) {
        return data.get(id);
    }

    /** How many accounts are stored, without the latency. */
    public int size() {
        return data.size();
    }

    @Override
    public Optional<Account> find(String id) {
        await();
        return Optional.ofNullable(data.get(id));
    }

    @Override
    public void save(Account account) {
        await();
        data.put(account.id(), account);
    }

    private void await() {
        switch (wait) {
            case NONE:
                return;
            case SPIN:
                long end = System.nanoTime() + latencyNanos;
                while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                }
                return;
            case PARK:
                long deadline = System.nanoTime() + latencyNanos;
                for (long left = latencyNanos; left > 0; left = deadline - System.nanoTime()) {
                    LockSupport.parkNanos(this, left);
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                }
                return;
            default:
                throw new AssertionError(wait);
        }
    }
}
