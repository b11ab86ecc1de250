package dev.cutover.benchmarks;

import com.github.rawls238.scientist4j.Experiment;
import com.github.rawls238.scientist4j.ExperimentBuilder;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * Scientist4J's {@link Experiment} with the old store as control and the new store as candidate,
 * compared by {@code equals} (the default comparator), with its own metric registry. Scientist4J
 * 0.6 has no stages: every call runs both sides.
 *
 * <ul>
 *   <li>{@link #run}: both sides on the caller's thread, in random order, then the comparison;
 *   <li>{@link #runAsync}: both sides submitted to the experiment's executor; the caller waits for
 *       the control; a third task waits for the candidate and compares.
 * </ul>
 *
 * <p>The executor is a fixed pool of 2 threads, as the one {@code new Experiment(name)} creates
 * (the builder creates none), except that its threads are daemons and {@link #close} shuts it
 * down: the experiment itself cannot be closed.
 */
public final class Scientist4jExperiment implements AutoCloseable {

    /** The size of Scientist4J's default pool. */
    static final int THREADS = 2;

    private final Accounts oldStore;
    private final Accounts newStore;
    private final ExecutorService executor;
    private final Experiment<Optional<Account>> experiment;

    /** An experiment over the two stores, with its executor started. */
    public Scientist4jExperiment(Accounts oldStore, Accounts newStore) {
        this.oldStore = oldStore;
        this.newStore = newStore;
        this.executor = Executors.newFixedThreadPool(
                THREADS,
                new BasicThreadFactory.Builder()
                        .namingPattern("scientist4j-%d")
                        .daemon(true)
                        .build());
        this.experiment = new ExperimentBuilder<Optional<Account>>()
                .withName("accounts")
                .withExecutorService(executor)
                .build();
    }

    /** {@code Experiment.run}: returns the control's (old store's) result. */
    public Optional<Account> run(String id) throws Exception {
        return experiment.run(() -> oldStore.find(id), () -> newStore.find(id));
    }

    /** {@code Experiment.runAsync}: returns the control's (old store's) result. */
    public Optional<Account> runAsync(String id) throws Exception {
        return experiment.runAsync(() -> oldStore.find(id), () -> newStore.find(id));
    }

    /** Stops the executor, waiting up to 5 s for queued candidates and comparisons. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(Duration.ofSeconds(5).toNanos(), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
