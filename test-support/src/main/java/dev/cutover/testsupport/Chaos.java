package dev.cutover.testsupport;

import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JdbcFailedWriteJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * What the chaos properties share: the journals they run against, and a schedule of faults (an
 * outage of a store, stage moves) run by one timer thread at given offsets from the start of a try,
 * so no test thread sleeps to make a fault happen. Close the schedule when the traffic has ended:
 * it cancels what has not run.
 */
public final class Chaos implements AutoCloseable {
    /** Where a try's journal lives. */
    public enum Journal {
        /** {@link InMemoryFailedWriteJournal}. */
        MEMORY,
        /** {@link JdbcFailedWriteJournal} on embedded PostgreSQL. */
        POSTGRES,
        /** The same, down whenever the failing store is: a journal on the server that fails. */
        POSTGRES_DOWN_WITH_STORE
    }

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static volatile DataSource postgres;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-schedule");
        t.setDaemon(true);
        return t;
    });

    /** A fresh journal of this kind; {@code down} is the failing store's outage switch. */
    public static FailedWriteJournal journal(Journal kind, AtomicBoolean down) throws Exception {
        return switch (kind) {
            case MEMORY -> new InMemoryFailedWriteJournal();
            case POSTGRES -> jdbc();
            case POSTGRES_DOWN_WITH_STORE -> new FailingJournal<>(jdbc(), down::get);
        };
    }

    private static JdbcFailedWriteJournal jdbc() throws Exception {
        JdbcFailedWriteJournal j = JdbcFailedWriteJournal.builder(postgres())
                .tablePrefix("chaos" + PREFIXES.incrementAndGet() + "_")
                .build();
        j.createSchemaIfMissing();
        return j;
    }

    private static synchronized DataSource postgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgresServer.get().createDatabase("chaos").dataSource();
        }
        return postgres;
    }

    /** Runs {@code action} {@code millis} after now. */
    public void at(long millis, Runnable action) {
        timer.schedule(action, millis, TimeUnit.MILLISECONDS);
    }

    /** Sets {@code down} from {@code fromMillis} for {@code forMillis}. */
    public void outage(AtomicBoolean down, long fromMillis, long forMillis) {
        at(fromMillis, () -> down.set(true));
        at(fromMillis + forMillis, () -> down.set(false));
    }

    /** Starts threads running {@code body}, one per index, and returns them to join. */
    public static List<Thread> started(int count, java.util.function.IntConsumer body) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            Thread t = new Thread(() -> body.accept(index), "chaos-caller-" + i);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    /** Cancels what has not run and stops the timer. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the chaos schedule did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the chaos schedule", e);
        }
    }
}
