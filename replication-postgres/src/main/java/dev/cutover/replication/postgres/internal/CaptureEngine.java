package dev.cutover.replication.postgres.internal;

import dev.cutover.replication.Change;
import dev.cutover.replication.postgres.CaptureCounts;
import dev.cutover.replication.postgres.PostgresCaptureException;
import dev.cutover.replication.spi.ApplyOutcome;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a capture: checks the source, takes the checkpoint's lease, runs Debezium's embedded
 * engine on a thread of its own and applies what it hands over.
 *
 * <p><b>Order of work per batch</b> (the engine's one handler thread): map every record to a
 * change (versions checked to increase), apply them all to the target (retrying with backoff
 * while the target fails, for as long as the run lasts), and only then mark the records
 * processed. The engine flushes offsets only of processed records, through {@link
 * CheckpointOffsetStore}; so a stored offset never passes a change the target has not applied,
 * and a crash at any point loses nothing: the changes after the stored offset come again, with
 * the versions they had, and end {@code DUPLICATE}.
 *
 * <p><b>Threads.</b> The engine's thread (closed by {@link #close()}), a heartbeat that renews the
 * checkpoint's lease every third of it (closed too), and Debezium's own, which its engine closes.
 */
public final class CaptureEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureEngine.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final long SLOT_POLL_MILLIS = 25;

    private final CaptureSettings settings;
    private final CaptureCounters counters;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CountDownLatch completed = new CountDownLatch(1);
    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    private @Nullable OffsetCheckpoints checkpoints;
    private @Nullable DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private @Nullable ExecutorService engineThread;
    private @Nullable ScheduledExecutorService heartbeat;
    private @Nullable ChangeRecords records;

    public CaptureEngine(CaptureSettings settings, CaptureCounters counters) {
        this.settings = settings;
        this.counters = counters;
    }

    /**
     * Checks the source, takes the lease, starts the engine and returns once the replication slot
     * is streaming: every transaction that commits after this returns is captured.
     *
     * @throws PostgresCaptureException naming what is wrong; nothing is left running then
     */
    public void start() {
        try {
            long slotLsn = new SourceChecks(
                            settings.source(), settings.tables(), settings.slot(), settings.publication())
                    .run();
            OffsetCheckpoints held = new OffsetCheckpoints(
                    settings.checkpoints(), settings.shard(), settings.owner(), settings.lease(), settings.clock());
            checkpoints = held;
            Instant now = settings.clock().instant();
            held.acquire(OffsetToken.seed(
                    settings.name(), slotLsn, now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000));
            records = new ChangeRecords(settings.tables());
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(properties(held.handle()))
                    .notifying(this::handleBatch)
                    .using(this::completed)
                    .build();
            String threadName = "cutover-capture-" + settings.name();
            engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, threadName));
            engineThread.execute(engine);
            heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, threadName + "-lease");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(1, settings.lease().toMillis() / 3);
            heartbeat.scheduleWithFixedDelay(held::renew, every, every, TimeUnit.MILLISECONDS);
            awaitStreaming();
            LOG.info(
                    "capture {} streaming slot {} of {} ({} tables)",
                    settings.name(),
                    settings.slot(),
                    settings.source().describe(),
                    settings.tables().size());
        } catch (RuntimeException e) {
            close();
            throw e instanceof PostgresCaptureException
                    ? e
                    : new PostgresCaptureException(
                            "capture " + settings.name() + " did not start: " + e.getMessage(), e);
        } catch (Exception e) {
            close();
            throw new PostgresCaptureException("capture " + settings.name() + " did not start: " + e.getMessage(), e);
        }
    }

    private Properties properties(String handle) {
        Properties p = new Properties();
        p.setProperty("name", settings.name());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", CheckpointOffsetStore.class.getName());
        p.setProperty(OffsetCheckpoints.HANDLE, handle);
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.hostname", settings.source().host());
        p.setProperty("database.port", Integer.toString(settings.source().port()));
        p.setProperty("database.user", settings.source().user());
        p.setProperty("database.password", settings.source().password());
        p.setProperty("database.dbname", settings.source().database());
        p.setProperty("topic.prefix", settings.name());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", settings.slot());
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("publication.name", settings.publication());
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty(
                "table.include.list",
                settings.tables().stream()
                        .map(t -> t.table().replace(".", "\\.").replace("$", "\\$"))
                        .collect(Collectors.joining(",")));
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("unavailable.value.placeholder", RowJson.UNAVAILABLE);
        p.setProperty("skipped.operations", "none");
        p.setProperty("max.batch.size", Integer.toString(settings.batchSize()));
        p.setProperty("max.queue.size", Integer.toString(Math.max(8_192, settings.batchSize() * 4)));
        p.setProperty(
                "heartbeat.interval.ms", Long.toString(settings.heartbeat().toMillis()));
        return p;
    }

    /** Waits until the slot is active (the engine is streaming), the engine failed, or the start timeout. */
    private void awaitStreaming() throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        try (Connection c = settings.source().connect();
                PreparedStatement ps =
                        c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, settings.slot());
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return;
                    }
                }
                if (completed.await(SLOT_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    Throwable why = failure.get();
                    throw new PostgresCaptureException(
                            "capture " + settings.name() + " stopped while starting: "
                                    + (why == null ? "the engine completed" : why.getMessage()),
                            why);
                }
                if (System.nanoTime() > deadline) {
                    throw new PostgresCaptureException("capture " + settings.name() + ": slot " + settings.slot()
                            + " was not streaming " + settings.startTimeout().toSeconds() + " s after start");
                }
            }
        }
    }

    private void handleBatch(
            List<RecordChangeEvent<SourceRecord>> batch,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        OffsetCheckpoints held = checkpoints;
        ChangeRecords mapper = records;
        if (held == null || mapper == null) {
            throw new IllegalStateException("capture not started");
        }
        Optional<RuntimeException> lost = held.failure();
        if (lost.isPresent()) {
            throw lost.get();
        }
        List<Change> changes = new ArrayList<>(batch.size());
        ChangeRecords.Captured last = null;
        for (RecordChangeEvent<SourceRecord> event : batch) {
            SourceRecord record = event.record();
            switch (ChangeRecords.kind(record)) {
                case ROW -> {
                    last = mapper.map(record);
                    changes.add(last.change());
                }
                case TRUNCATE -> {
                    counters.truncated();
                    LOG.error(
                            "capture {}: TRUNCATE of {} at LSN {} is not mirrored; run a reconciliation and repair",
                            settings.name(),
                            ChangeRecords.table(record),
                            ChangeRecords.lsn(record));
                }
                case OTHER -> {}
            }
        }
        if (!changes.isEmpty()) {
            counters.captured(changes.size());
            apply(changes);
            counters.committedAt(last.commitTime());
        }
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }

    /** Applies until the target takes the batch; a change it refuses fails the capture. */
    private void apply(List<Change> changes) throws InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            try {
                List<ApplyOutcome> outcomes = settings.target().apply(changes);
                counters.outcomes(outcomes);
                return;
            } catch (IllegalArgumentException e) {
                throw new PostgresCaptureException(
                        "capture " + settings.name() + ": the target "
                                + settings.target().describe() + " refused a change: " + e.getMessage(),
                        e);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                counters.applyFailed();
                LOG.warn(
                        "capture {}: applying {} changes to {} failed, again in {} ms: {}",
                        settings.name(),
                        changes.size(),
                        settings.target().describe(),
                        backoff.toMillis(),
                        e.toString());
                if (closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new InterruptedException("capture closing with " + changes.size() + " changes not applied");
                }
                backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
                        ? settings.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
    }

    private void completed(boolean success, String message, @Nullable Throwable error) {
        if (!success || error != null) {
            Throwable why = error != null ? error : new PostgresCaptureException(message);
            failure.compareAndSet(null, why);
            if (closing.getCount() > 0) {
                LOG.error("capture {} stopped: {}", settings.name(), message, error);
            }
        }
        completed.countDown();
    }

    /** Whether the engine runs (started, not completed). */
    public boolean isRunning() {
        return engine != null && completed.getCount() > 0;
    }

    /** Why the engine stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** The counts, with the offsets saved so far. */
    public CaptureCounts counts() {
        OffsetCheckpoints held = checkpoints;
        return counters.snapshot(() -> held == null ? 0 : held.saves());
    }

    /** Stops the engine (it flushes the offsets of what was applied), the heartbeat, and releases the lease. */
    @Override
    public void close() {
        closing.countDown();
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running = engine;
        if (running != null && completed.getCount() > 0) {
            try {
                running.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("capture {}: engine did not close cleanly", settings.name(), e);
            }
        }
        shutdown(engineThread);
        shutdown(heartbeat);
        OffsetCheckpoints held = checkpoints;
        if (held != null) {
            held.close();
        }
    }

    private void shutdown(@Nullable ExecutorService executor) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
