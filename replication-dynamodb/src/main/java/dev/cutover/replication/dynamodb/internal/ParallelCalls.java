package dev.cutover.replication.dynamodb.internal;

import dev.cutover.concurrent.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one blocking call per item on a fixed pool, so that a batch's single-item conditional
 * writes overlap: DynamoDB's {@code BatchWriteItem} takes no conditions.
 *
 * <p>Design: the pool has {@code maxInFlight} daemon threads and an unbounded queue, so at most
 * {@code maxInFlight} calls are in flight at once over all concurrent batches; a batch of one runs
 * on the caller's thread. {@link #map} waits for every call of its batch, even after one failed,
 * so that no call of a batch is still running when it returns or throws: the first failure is
 * thrown with the others suppressed. Interrupting the caller cancels the calls not yet started.
 * {@link #close} stops the pool; a batch after that fails with {@code IllegalStateException}.
 */
public final class ParallelCalls implements AutoCloseable {
    private final ExecutorService pool;

    /** A pool of {@code maxInFlight} threads named after {@code name}. */
    public ParallelCalls(String name, int maxInFlight) {
        this.pool = new ThreadPoolExecutor(
                maxInFlight,
                maxInFlight,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                DaemonThreads.numbered(name));
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
    }

    /** {@code call} of each item, in item order. */
    public <T, R> List<R> map(List<T> items, Function<T, R> call) throws InterruptedException {
        if (items.size() == 1) {
            return List.of(call.apply(items.get(0)));
        }
        if (pool.isShutdown()) {
            throw new IllegalStateException("closed");
        }
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(pool.submit(() -> call.apply(item)));
        }
        List<R> results = new ArrayList<>(items.size());
        RuntimeException failure = null;
        for (int i = 0; i < futures.size(); i++) {
            try {
                results.add(futures.get(i).get());
            } catch (InterruptedException e) {
                futures.forEach(f -> f.cancel(false));
                throw e;
            } catch (ExecutionException e) {
                RuntimeException cause =
                        e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
                results.add(null);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
