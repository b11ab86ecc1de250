package dev.cutover.flags.dynamodb.internal;

import dev.cutover.flags.spi.FlagStoreException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * Retries of the store's writes through Resilience4j, and the counts behind the store's metrics.
 * A write attempt that fails for a transient reason throws {@link Transient}: DynamoDB refused it
 * for capacity (after the SDK's own retries), another transaction touched the same items, or
 * another flag's write moved the head revision first. Those are retried with jittered exponential
 * backoff; anything else (a version conflict, a validation error) is not.
 */
public final class WriteRetry {
    private static final Logger LOG = LoggerFactory.getLogger(WriteRetry.class);

    /** Why a write attempt is retried. */
    public enum Cause {
        /** DynamoDB refused the request or a transaction item for capacity. */
        THROTTLED,
        /** Another transaction was writing one of the same items. */
        TRANSACTION_CONFLICT,
        /** The head revision moved between reading and writing it: another flag was written. */
        HEAD_MOVED;

        /** The metric tag value. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A write attempt that failed for a reason worth retrying. */
    public static final class Transient extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Cause cause;

        public Transient(Cause cause, String message, @Nullable Throwable source) {
            super(message, source);
            this.cause = cause;
        }

        public Cause reason() {
            return cause;
        }
    }

    private final Retry retry;
    private final int maxAttempts;
    private final Map<Cause, LongAdder> retries = new EnumMap<>(Cause.class);
    private final LongAdder throttledReads = new LongAdder();
    private final LongAdder throttledWrites = new LongAdder();
    private final LongAdder failures = new LongAdder();

    /**
     * @param name the store's description, for Resilience4j and the logs
     * @param maxAttempts attempts per write, the first included
     * @param initialBackoff the first wait; each later one doubles, randomized by half, up to 2 s
     */
    public WriteRetry(String name, int maxAttempts, Duration initialBackoff) {
        this.maxAttempts = maxAttempts;
        for (Cause c : Cause.values()) {
            retries.put(c, new LongAdder());
        }
        this.retry = Retry.of(
                name + "-writes",
                RetryConfig.custom()
                        .maxAttempts(maxAttempts)
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                                initialBackoff, 2.0, 0.5, Duration.ofSeconds(2)))
                        .retryOnException(e -> e instanceof Transient)
                        .failAfterMaxAttempts(false)
                        .build());
        retry.getEventPublisher().onRetry(event -> {
            if (event.getLastThrowable() instanceof Transient t) {
                retries.get(t.reason()).increment();
                LOG.debug(
                        "{}: retrying write, attempt {} failed: {}",
                        name,
                        event.getNumberOfRetryAttempts(),
                        t.getMessage());
            }
        });
    }

    /**
     * Runs {@code attempt} until it succeeds, fails for good, or has run {@code maxAttempts} times.
     *
     * @throws FlagStoreException when every attempt failed transiently, naming the key and the cause
     */
    public <T> T run(String key, Supplier<T> attempt) {
        try {
            return retry.executeSupplier(() -> {
                try {
                    return attempt.get();
                } catch (RuntimeException e) {
                    Cause cause = throttleOrConflict(e);
                    if (cause == null) {
                        throw e;
                    }
                    if (cause == Cause.THROTTLED) {
                        throttledWrites.increment();
                    }
                    throw new Transient(cause, e.getMessage(), e);
                }
            });
        } catch (Transient e) {
            failures.increment();
            throw new FlagStoreException(
                    "write of flag '" + key + "' failed " + maxAttempts + " times, last for "
                            + e.reason().tag() + ": " + e.getMessage(),
                    e.getCause() == null ? e : e.getCause());
        }
    }

    /** Runs a read, counting a throttled one; the exception goes to the caller unchanged. */
    public <T> T read(Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            if (isThrottle(e)) {
                throttledReads.increment();
            }
            throw e;
        }
    }

    /**
     * Runs a write that is not retried here (a heartbeat, which its next interval repeats), counting
     * a throttled one; the exception goes to the caller unchanged.
     */
    public <T> T writeOnce(Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (isThrottle(e)) {
                throttledWrites.increment();
            }
            throw e;
        }
    }

    /**
     * The transient cause of a failed call, or null: a throttled request, a conflicting transaction,
     * or a cancelled transaction whose reasons are throttling or conflicts only. A cancellation with
     * a failed condition is classified by the caller, who knows which item carried which condition.
     */
    static @Nullable Cause throttleOrConflict(RuntimeException e) {
        if (e instanceof Transient t) {
            return t.reason();
        }
        if (isThrottle(e)) {
            return Cause.THROTTLED;
        }
        if (e instanceof TransactionConflictException) {
            return Cause.TRANSACTION_CONFLICT;
        }
        if (e instanceof TransactionCanceledException tc) {
            return cancellationCause(tc.cancellationReasons());
        }
        return null;
    }

    /**
     * The cause of a cancelled transaction when it is transient (throttling or conflicts, with no
     * failed condition and no validation error), else null.
     */
    public static @Nullable Cause cancellationCause(List<CancellationReason> reasons) {
        Cause cause = null;
        for (CancellationReason r : reasons) {
            String code = r.code();
            if (code == null || code.equals("None")) {
                continue;
            }
            if (code.equals("ThrottlingError") || code.equals("ProvisionedThroughputExceeded")) {
                cause = Cause.THROTTLED;
            } else if (code.equals("TransactionConflict")) {
                if (cause == null) {
                    cause = Cause.TRANSACTION_CONFLICT;
                }
            } else {
                return null;
            }
        }
        return cause;
    }

    /** Whether DynamoDB refused a request for capacity: provisioned, on-demand or account limits. */
    public static boolean isThrottle(Throwable e) {
        return e instanceof ProvisionedThroughputExceededException
                || e instanceof RequestLimitExceededException
                || e instanceof ThrottlingException
                || (e instanceof SdkServiceException s && s.isThrottlingException());
    }

    /** Attempts per write, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Write attempts retried for {@code cause}. */
    public long retries(Cause cause) {
        return retries.get(cause).sum();
    }

    /** Reads DynamoDB refused for capacity. */
    public long throttledReads() {
        return throttledReads.sum();
    }

    /** Write requests DynamoDB refused for capacity. */
    public long throttledWrites() {
        return throttledWrites.sum();
    }

    /** Writes that failed every attempt. */
    public long failures() {
        return failures.sum();
    }
}
