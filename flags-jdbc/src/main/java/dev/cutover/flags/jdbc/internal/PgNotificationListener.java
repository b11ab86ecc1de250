package dev.cutover.flags.jdbc.internal;

import dev.cutover.flags.spi.ChangeHints;
import dev.cutover.flags.spi.DaemonThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated PostgreSQL connection that {@code LISTEN}s on a channel and turns notifications
 * into change hints.
 *
 * <p>Design: a single daemon thread owns the connection. It waits for notifications in short
 * slices ({@link #WAIT_MILLIS}), checks the connection with {@code SELECT 1} every
 * {@link #CHECK_EVERY} so a silently dead socket is noticed, and on any failure closes the
 * connection and reconnects with exponential backoff (with jitter) up to a maximum; the backoff
 * starts over only after a connection stayed up for {@link #STABLE}, so a connection that dies at
 * once cannot cause a hint storm. On close it runs {@code UNLISTEN *} before handing the
 * connection back, because a pool would otherwise lend out a connection still listening. After every
 * (re)connect it sends one hint, because notifications sent while it was away are lost: the client
 * answers a hint with a head check, so a spurious hint costs one small query. Hints are only hints;
 * the client's polling stays on as the safety net.
 */
public final class PgNotificationListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgNotificationListener.class);
    private static final int WAIT_MILLIS = 500;
    private static final Duration CHECK_EVERY = Duration.ofSeconds(60);
    /** A connection up this long counts as stable: a later failure starts the backoff over. */
    private static final Duration STABLE = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private final String channel;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final String name;
    private final ChangeHints hints;
    private final Thread thread;
    private volatile boolean closed;
    private volatile @Nullable Connection connection;
    private volatile long connects;

    /**
     * Creates the listener; {@link #start()} starts its thread.
     *
     * @param channel a validated identifier
     */
    public PgNotificationListener(
            DataSource dataSource,
            String channel,
            Duration firstBackoff,
            Duration maxBackoff,
            String name,
            ChangeHints hints) {
        this.hints = hints;
        this.dataSource = dataSource;
        this.channel = channel;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.name = name;
        this.thread = DaemonThreads.newThread("cutover-flags-pg-listen", this::run);
    }

    /** Starts listening. */
    public void start() {
        thread.start();
    }

    /** How many times a LISTEN connection was established; for tests and diagnostics. */
    public long connects() {
        return connects;
    }

    private void run() {
        Duration backoff = firstBackoff;
        while (!closed) {
            long connectedAt = 0;
            try (Connection c = dataSource.getConnection()) {
                connection = c;
                boolean autoCommit = c.getAutoCommit();
                try {
                    c.setAutoCommit(true);
                    try (Statement s = c.createStatement()) {
                        s.execute("LISTEN \"" + channel + "\"");
                    }
                    PGConnection pg = c.unwrap(PGConnection.class);
                    connects++;
                    connectedAt = System.nanoTime();
                    if (connects > 1) {
                        LOG.info("{}: LISTEN connection re-established; hinting a reload to cover the gap", name);
                    }
                    hint(); // anything sent while we were not listening is lost: have the client look
                    long nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
                    while (!closed) {
                        PGNotification[] notes = pg.getNotifications(WAIT_MILLIS);
                        if (notes != null && notes.length > 0) {
                            hint();
                        }
                        if (System.nanoTime() > nextCheck) {
                            try (Statement s = c.createStatement()) {
                                s.setQueryTimeout(10); // a dead socket must not hang the listener
                                s.execute("SELECT 1");
                            }
                            nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
                        }
                    }
                    // closing: a pooled connection goes back to the pool, so it must stop listening first
                    try (Statement s = c.createStatement()) {
                        s.execute("UNLISTEN *");
                    }
                    c.setAutoCommit(autoCommit);
                } catch (SQLException | RuntimeException e) {
                    // a connection in an unknown state must not go back to a pool
                    abortQuietly(c);
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                if (connectedAt != 0 && System.nanoTime() - connectedAt > STABLE.toNanos()) {
                    backoff = firstBackoff; // the connection had been fine: start over quickly
                }
                long jittered = (long)
                        (backoff.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
                LOG.warn("{}: LISTEN connection lost ({}); reconnecting in {} ms", name, e.toString(), jittered);
                long wakeAt = System.nanoTime() + Duration.ofMillis(jittered).toNanos();
                while (!closed && System.nanoTime() < wakeAt) {
                    LockSupport.parkNanos(wakeAt - System.nanoTime());
                }
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            } finally {
                connection = null;
            }
        }
    }

    private static void abortQuietly(Connection c) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("aborting LISTEN connection", e);
        }
    }

    private void hint() {
        hints.fire();
    }

    /**
     * Stops listening. The listener's own thread sees the flag within {@link #WAIT_MILLIS}, runs
     * {@code UNLISTEN *} and hands its connection back; only if it does not finish in time is the
     * connection aborted from here. Safe to call from a hint callback on the listener's thread.
     */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) {
            return; // called from a hint: the loop ends by itself after the callback returns
        }
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection c = connection;
        if (thread.isAlive() && c != null) {
            LOG.warn("{}: LISTEN thread did not stop in time; aborting its connection", name);
            abortQuietly(c);
        }
    }
}
