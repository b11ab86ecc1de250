package dev.cutover.replication.integration;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The application during the migration: makes a history of writes on the old table one after the
 * other, each followed by its event, as its own code always did. The test makes it write at chosen
 * moments (before the backfill, between the backfill's pages, after it). Thread-safe: one write at
 * a time, in history order, whichever thread asks.
 */
final class Application {
    private final List<Write> history;
    private final OldJdbcTable old;
    private final Delivery delivery;
    private final Set<String> live = new HashSet<>();
    private int next;

    Application(List<Write> history, OldJdbcTable old, Delivery delivery) {
        this.history = List.copyOf(history);
        this.old = old;
        this.delivery = delivery;
    }

    /** Makes the next {@code n} writes, or fewer when the history ends. */
    synchronized void write(int n) throws SQLException {
        for (int i = 0; i < n && next < history.size(); i++) {
            Write w = history.get(next++);
            old.write(w, live.contains(w.key()));
            if (w.delete()) {
                live.remove(w.key());
            } else {
                live.add(w.key());
            }
            delivery.emitted(w);
        }
    }

    /** Makes every write left. */
    void writeRest() throws SQLException {
        write(history.size());
    }

    /** {@link #write(int)} for a hook that may not throw checked exceptions. */
    Runnable writing(int n) {
        return () -> {
            try {
                write(n);
            } catch (SQLException e) {
                throw new IllegalStateException("the application's write to " + old.table + " failed", e);
            }
        };
    }

    /** How many writes were made. */
    synchronized int written() {
        return next;
    }
}
