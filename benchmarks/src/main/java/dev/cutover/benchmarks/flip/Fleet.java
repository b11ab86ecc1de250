package dev.cutover.benchmarks.flip;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.FlagClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The service instances of one set: {@link FlagClient}s, each over a store of its own that counts
 * what the instance sends, as separate services would be. A store's fleet builds the instances,
 * says when an instance's push channel is up, and closes what the instances hold.
 *
 * @param <C> the counters of one instance
 */
abstract class Fleet<C extends Tally<C>> implements AutoCloseable {

    private static final Duration READY_WAIT = Duration.ofSeconds(30);

    final Mode mode;
    final Duration pollInterval;
    final List<FlagClient> clients = new ArrayList<>();

    Fleet(Mode mode, Duration pollInterval) {
        this.mode = mode;
        this.pollInterval = pollInterval;
    }

    /**
     * Builds instance {@code i}: its counters, its store (push or poll only, as {@link #mode} says)
     * and its client polling every {@link #pollInterval}. Keeps what it must close.
     */
    abstract FlagClient newInstance(int i) throws Exception;

    /** Whether instance {@code i}'s push channel is up; asked of push fleets only. */
    abstract boolean pushing(int i);

    /** What the ready timeout says of the instances whose push channel is not up, after their count. */
    abstract String notPushing();

    /** Instance {@code i}'s counters now. */
    abstract C counts(int i);

    /** Closes the stores and whatever else the instances hold; the clients are closed already. */
    abstract void closeStores();

    /** Runs once every instance is ready, before the fleet is handed out. */
    void afterReady() {}

    /**
     * Starts {@code n} instances and waits until each serves the writer's value and, with push, has
     * its push channel up; closes them all if one cannot start.
     */
    final void start(int n, Writer writer, PrintStream log) throws Exception {
        long started = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                clients.add(newInstance(i));
            }
            awaitReady(writer.value());
        } catch (Exception e) {
            close();
            throw e;
        }
        log.printf(
                Locale.ROOT,
                "%s: %d instances ready (poll interval %s) in %d ms%n",
                name(),
                n,
                pollInterval,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** The set's name in the log: the mode in lower case. */
    String name() {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    int size() {
        return clients.size();
    }

    /** Each instance's counters now. */
    final List<C> counts() {
        List<C> all = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            all.add(counts(i));
        }
        return all;
    }

    private void awaitReady(boolean value) {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (true) {
            int notReady = 0;
            int notPushing = 0;
            for (int i = 0; i < clients.size(); i++) {
                FlagClient c = clients.get(i);
                if (c.status().state() != ClientStatus.State.READY
                        || c.booleanValue(FlipHarness.FLAG, !value) != value) {
                    notReady++;
                }
                if (mode == Mode.PUSH && !pushing(i)) {
                    notPushing++;
                }
            }
            if (notReady == 0 && notPushing == 0) {
                afterReady();
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(mode + ": after " + READY_WAIT.toSeconds() + " s, " + notReady + " of "
                        + clients.size() + " instances do not serve the flag and " + notPushing + " " + notPushing());
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    @Override
    public void close() {
        for (FlagClient c : clients) {
            c.close();
        }
        closeStores();
    }
}
