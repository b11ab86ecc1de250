package dev.cutover.replication.dynamodb.internal;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;

/**
 * Retries DynamoDB calls that were refused for capacity, through Resilience4j, after the SDK's
 * own retries gave up: jittered exponential backoff from an initial wait, doubling up to 5 s, for
 * a bounded number of attempts. Counts every refused call and every call that failed all its
 * attempts. Any other failure goes to the caller at once. Thread-safe.
 */
public final class Throttling {
    private final Retry retry;
    private final int maxAttempts;
    private final LongAdder throttled = new LongAdder();
    private final LongAdder exhausted = new LongAdder();

    /**
     * @param name for Resilience4j's retry instance
     * @param maxAttempts attempts per call, the first included, at least 1
     * @param initialBackoff the first wait
     */
    public Throttling(String name, int maxAttempts, Duration initialBackoff) {
        this.maxAttempts = maxAttempts;
        this.retry = Retry.of(
                name,
                RetryConfig.custom()
                        .maxAttempts(maxAttempts)
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                                initialBackoff, 2.0, 0.5, Duration.ofSeconds(5)))
                        .retryOnException(Throttling::isThrottle)
                        .failAfterMaxAttempts(false)
                        .build());
    }

    /**
     * Runs {@code call}, again after a throttle, until it succeeds, fails otherwise or ran {@code
     * maxAttempts} times; then the last exception goes to the caller.
     */
    public <T> T call(Supplier<T> call) {
        try {
            return retry.executeSupplier(() -> {
                try {
                    return call.get();
                } catch (RuntimeException e) {
                    if (isThrottle(e)) {
                        throttled.increment();
                    }
                    throw e;
                }
            });
        } catch (RuntimeException e) {
            if (isThrottle(e)) {
                exhausted.increment();
            }
            throw e;
        }
    }

    /** Whether DynamoDB refused a request for capacity: provisioned, on-demand or account limits. */
    public static boolean isThrottle(Throwable e) {
        return e instanceof ProvisionedThroughputExceededException
                || e instanceof RequestLimitExceededException
                || e instanceof ThrottlingException
                || e instanceof LimitExceededException
                || (e instanceof SdkServiceException s && s.isThrottlingException());
    }

    /** Attempts per call, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Calls DynamoDB refused for capacity (each retried while attempts remained). */
    public long throttled() {
        return throttled.sum();
    }

    /** Calls still refused for capacity after every attempt. */
    public long exhausted() {
        return exhausted.sum();
    }
}
