package dev.cutover.flags.jdbc.internal;

import dev.cutover.flags.spi.ChangeHintListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * connection and reconnects with exponential backoff (with jitter) up to a maximum. After every
 * (re)connect it sends one hint, because notifications sent while it was away are lost: the client
 * answers a hint with a head check, so a spurious hint costs one small query. Hints are only hints;
 * the client's polling stays on as the safety net.
 */
public final class PgNotificationListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgNotificationListener.class);
  private static final int WAIT_MILLIS = 500;
  private static final Duration CHECK_EVERY = Duration.ofSeconds(60);

  private final DataSource dataSource;
  private final String channel;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private final String name;
  private final List<ChangeHintListener> listeners = new CopyOnWriteArrayList<>();
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
      DataSource dataSource, String channel, Duration firstBackoff, Duration maxBackoff, String name) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
    this.name = name;
    this.thread = new Thread(this::run, "cutover-flags-pg-listen");
    this.thread.setDaemon(true);
  }

  /** Starts listening. */
  public void start() {
    thread.start();
  }

  /** Adds a hint listener. */
  public void add(ChangeHintListener listener) {
    listeners.add(listener);
  }

  /** Removes a hint listener; returns true when none is left. */
  public boolean remove(ChangeHintListener listener) {
    listeners.remove(listener);
    return listeners.isEmpty();
  }

  /** How many times a LISTEN connection was established; for tests and diagnostics. */
  public long connects() {
    return connects;
  }

  private void run() {
    Duration backoff = firstBackoff;
    while (!closed) {
      try (Connection c = dataSource.getConnection()) {
        connection = c;
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN \"" + channel + "\"");
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        connects++;
        if (connects > 1) {
          LOG.info("{}: LISTEN connection re-established; hinting a reload to cover the gap", name);
        }
        backoff = firstBackoff;
        hint(); // anything sent while we were not listening is lost: have the client look
        long nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(WAIT_MILLIS);
          if (notes != null && notes.length > 0) {
            hint();
          }
          if (System.nanoTime() > nextCheck) {
            try (Statement s = c.createStatement()) {
              s.execute("SELECT 1");
            }
            nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        long jittered = (long) (backoff.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
        LOG.warn("{}: LISTEN connection lost ({}); reconnecting in {} ms", name, e.toString(), jittered);
        LockSupport.parkNanos(Duration.ofMillis(jittered).toNanos());
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
      } finally {
        connection = null;
      }
    }
  }

  private void hint() {
    for (ChangeHintListener l : listeners) {
      try {
        l.changed();
      } catch (RuntimeException e) {
        LOG.warn("{}: change hint listener failed", name, e);
      }
    }
  }

  /** Stops the thread and closes the connection. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.debug("{}: closing LISTEN connection", name, e);
      }
    }
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
