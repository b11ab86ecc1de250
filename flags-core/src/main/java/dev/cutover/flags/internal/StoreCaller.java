package dev.cutover.flags.internal;

import dev.cutover.flags.spi.DaemonThreads;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Every store call goes through here: a time limit (the call runs on a small pool the client owns
 * and is interrupted when late), retries with exponential backoff, and a circuit breaker that stops
 * hammering a store that keeps failing and probes it again later. Called only from the refresher
 * thread, so retry waits never touch the evaluation path.
 */
final class StoreCaller implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final TimeLimiter timeLimiter;
    private final Retry retry;
    private final CircuitBreaker breaker;

    StoreCaller(String name, ClientConfig config) {
        this.pool = new ThreadPoolExecutor(
                0, 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), DaemonThreads.numbered("cutover-flags-store"));
        this.timeLimiter = TimeLimiter.of(
                name,
                TimeLimiterConfig.custom()
                        .timeoutDuration(config.storeTimeout())
                        .cancelRunningFuture(true)
                        .build());
        this.retry = Retry.of(
                name,
                RetryConfig.custom()
                        .maxAttempts(config.storeAttempts())
                        .intervalFunction(IntervalFunction.ofExponentialBackoff(config.retryBackoff(), 2.0))
                        .ignoreExceptions(CallNotPermittedException.class)
                        .build());
        // half a poll interval (at most 15 s): by the next poll after a failure the breaker lets a
        // probe through, so a store that comes back is picked up within one poll interval
        Duration half = config.pollInterval().dividedBy(2);
        Duration open = half.compareTo(Duration.ofSeconds(15)) < 0 ? half : Duration.ofSeconds(15);
        if (open.isZero()) {
            open = Duration.ofMillis(1);
        }
        this.breaker = CircuitBreaker.of(
                name,
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(10)
                        .minimumNumberOfCalls(5)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(open)
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .build());
    }

    <T> T call(Callable<T> task) throws Exception {
        return retry.executeCallable(
                () -> breaker.executeCallable(() -> timeLimiter.executeFutureSupplier(() -> pool.submit(task))));
    }

    /** Runs a task on the store pool without retry or breaker; the caller bounds the wait. */
    <T> java.util.concurrent.Future<T> submit(Callable<T> task) {
        return pool.submit(task);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
