package dev.cutover.openfeature.internal;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Subscription;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, up to a bound, until a {@link FlagClient} serves data (from its store or its backup file)
 * or is closed, for {@code CutoverProvider.initialize}.
 *
 * <p><b>Design.</b> No busy-waiting: the waiting thread sleeps on a semaphore that the client's
 * {@link FlagClient#onStatus} listener releases after every refresh cycle (the cycle that loads the
 * first data among them) and that {@link #cancel()} releases at shutdown. A client's
 * {@link FlagClient#close()} is seen only by {@link FlagClient#status()}, so the wait also re-reads the
 * status every {@link #RECHECK}: a closed client ends the wait within that time.
 */
public final class ReadinessWait {
    private static final Logger LOG = LoggerFactory.getLogger(ReadinessWait.class);

    /** How often the status is re-read while nothing wakes the wait, to see a closed client. */
    public static final Duration RECHECK = Duration.ofMillis(100);

    /** Longer timeouts are waited as this long (about 292 years would overflow the nano clock). */
    private static final long MAX_NANOS = Duration.ofDays(365 * 100L).toNanos();

    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean cancelled;

    /** Ends a wait in progress promptly, and makes later waits return at once. Idempotent. */
    public void cancel() {
        cancelled = true;
        wakeups.release();
    }

    /** Whether {@link #cancel()} was called. */
    public boolean cancelled() {
        return cancelled;
    }

    /**
     * Waits until the client serves data or is closed, at most {@code timeout} ({@link Duration#ZERO}:
     * not at all), and returns the status read last. It has no data when the timeout passed, the wait
     * was cancelled, or the thread was interrupted (whose flag is then set again).
     */
    public ClientStatus await(FlagClient client, Duration timeout) {
        ClientStatus status = client.status();
        if (done(status) || cancelled || timeout.isZero()) {
            return status;
        }
        Subscription refreshes = Subscription.NONE;
        try {
            refreshes = client.onStatus(s -> wakeups.release());
        } catch (RuntimeException e) {
            // another FlagClient implementation: the periodic re-read below still sees the first data
            LOG.debug("The flag client offers no status listener; re-reading its status every {}", RECHECK, e);
        }
        long nanos = timeout.compareTo(Duration.ofNanos(MAX_NANOS)) > 0 ? MAX_NANOS : timeout.toNanos();
        long deadline = System.nanoTime() + nanos;
        try {
            while (true) {
                status = client.status();
                long left = deadline - System.nanoTime();
                if (done(status) || cancelled || left <= 0) {
                    return status;
                }
                if (wakeups.tryAcquire(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS)) {
                    wakeups.drainPermits();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return client.status();
        } finally {
            refreshes.close();
        }
    }

    private static boolean done(ClientStatus status) {
        return status.hasData() || status.state() == ClientStatus.State.CLOSED;
    }
}
