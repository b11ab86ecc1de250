package dev.cutover.replication.postgres;

import dev.cutover.replication.postgres.internal.CaptureCounters;
import dev.cutover.replication.postgres.internal.CaptureEngine;
import dev.cutover.replication.postgres.internal.CaptureSettings;
import dev.cutover.replication.postgres.internal.SourceSettings;
import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.replication.spi.VersionedTarget;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Change data capture from PostgreSQL: follows the source database's write-ahead log through
 * logical replication (Debezium's embedded engine over the built-in {@code pgoutput} plugin) and
 * applies every committed insert, update and delete of the mapped tables to a Cutover {@link
 * VersionedTarget}, for services whose code cannot be tapped. Versions come from the log position
 * ({@link LogVersion}); offsets live in a {@link ShardCheckpointStore}, so a restart resumes.
 *
 * <pre>{@code
 * PostgresChangeCapture capture = PostgresChangeCapture
 *     .builder("jdbc:postgresql://db:5432/shop", "cutover_cdc", password)
 *     .table(TableMapping.table("public.orders").key("id"))
 *     .checkpoints(PostgresShardCheckpointStore.builder(targetDataSource).build())
 *     .into(target)                                  // e.g. a JdbcVersionedTarget
 *     .build();
 * capture.start();                                   // every commit after this returns is captured
 * PostgresCaptureMetrics.of(capture).bindTo(meterRegistry);
 * ...
 * capture.close();
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 *
 * <ul>
 *   <li>Every change committed after {@link #start()} returned reaches the target, or the capture
 *       stops with the reason ({@link #failure()}) and nothing after it is acknowledged.
 *   <li>An offset is saved only after every change before it was applied: a crash (even {@code
 *       kill -9}) loses nothing; the changes after the stored offset come again with the same
 *       versions, and the target answers {@code DUPLICATE}.
 *   <li>Versions strictly increase along the log, so the target holds each key's last committed
 *       state. A failing target is retried with backoff, never skipped: the slot keeps the WAL.
 * </ul>
 *
 * <h2>What it needs</h2>
 *
 * {@code wal_level = logical}, a free replication slot and WAL sender ({@code
 * max_replication_slots}, {@code max_wal_senders}), a user with the {@code REPLICATION} attribute
 * who may read the tables, and a publication of them (created if missing, which takes the tables'
 * owner). {@link #start()} checks each and names what is missing. The slot is created on the first
 * start and kept: drop it ({@code SELECT pg_drop_replication_slot('...')}) when the migration is
 * over, or PostgreSQL keeps the WAL for it.
 *
 * <p>Thread-safe. {@link #close()} stops the engine and its threads.
 *
 * @since 0.2.0
 */
public final class PostgresChangeCapture implements AutoCloseable {
    private final CaptureSettings settings;
    private final CaptureCounters counters = new CaptureCounters();
    private @Nullable CaptureEngine engine;
    private boolean closed;

    private PostgresChangeCapture(CaptureSettings settings) {
        this.settings = settings;
    }

    /**
     * Starts configuring a capture of the database at {@code jdbcUrl} ({@code
     * jdbc:postgresql://host[:port]/database}), connecting as {@code user}.
     *
     * @throws IllegalArgumentException naming the URL when it is not of that form
     */
    public static Builder builder(String jdbcUrl, String user, String password) {
        return new Builder(SourceSettings.parse(jdbcUrl, user, password));
    }

    /**
     * Checks the source, takes the checkpoint's lease and starts streaming; returns once the
     * replication slot streams, so that every transaction committed afterwards is captured. Resumes
     * from the stored offset when there is one.
     *
     * @throws PostgresCaptureException naming the setting, table, column, privilege or lease that
     *     keeps it from starting; nothing is left running then
     * @throws IllegalStateException when already started or closed
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("capture " + settings.name() + " is closed");
        }
        if (engine != null) {
            throw new IllegalStateException("capture " + settings.name() + " is already started");
        }
        CaptureEngine starting = new CaptureEngine(settings, counters);
        starting.start();
        engine = starting;
    }

    /** Whether it is streaming: started, not closed, not stopped by a failure. */
    public synchronized boolean isRunning() {
        return engine != null && engine.isRunning();
    }

    /** Why the capture stopped on its own (a refused change, a lost checkpoint, a source error), if it did. */
    public synchronized Optional<Throwable> failure() {
        return engine == null ? Optional.empty() : engine.failure();
    }

    /** What the capture has done so far. */
    public synchronized CaptureCounts counts() {
        return engine != null ? engine.counts() : counters.snapshot(() -> 0);
    }

    /** The capture's name: Debezium's engine name, thread names, the checkpoint's consumer, metric tags. */
    public String name() {
        return settings.name();
    }

    /** The replication slot it streams from. */
    public String slot() {
        return settings.slot();
    }

    /** {@code host:port/database} of the source, without credentials. */
    public String describe() {
        return settings.source().describe();
    }

    /**
     * Stops streaming: the change being applied finishes, the offsets of what was applied are
     * saved, the engine's threads end and the checkpoint's lease is released. The slot stays, so
     * a later start resumes. Idempotent.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (engine != null) {
            engine.close();
        }
    }

    @Override
    public String toString() {
        return "PostgresChangeCapture[" + settings.name() + ", " + describe() + ", slot " + slot() + "]";
    }

    /**
     * Configures a {@link PostgresChangeCapture}. Each setting is checked when set, and a bad
     * value is named in the exception; {@link #build()} checks that the required ones are there.
     *
     * <pre>{@code
     * PostgresChangeCapture capture = PostgresChangeCapture.builder(url, "cutover_cdc", password)
     *     .name("orders").slot("cutover_orders").publication("cutover_orders")
     *     .table(TableMapping.table("public.orders").key("id"))
     *     .checkpoints(checkpoints).owner(podName).lease(Duration.ofSeconds(30))
     *     .into(target).batchSize(1_000)
     *     .build();
     * }</pre>
     *
     * @since 0.2.0
     */
    public static final class Builder {
        private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

        private final SourceSettings source;
        private final Map<String, TableMapping> tables = new LinkedHashMap<>();
        private String name = "cutover_cdc";
        private @Nullable String slot;
        private @Nullable String publication;
        private @Nullable ShardCheckpointStore checkpoints;
        private @Nullable String owner;
        private Duration lease = Duration.ofSeconds(30);
        private @Nullable VersionedTarget target;
        private int batchSize = 2_048;
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration heartbeat = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();

        private Builder(SourceSettings source) {
            this.source = source;
        }

        /**
         * Names the capture (a lower-case letter, then up to 62 lower-case letters, digits or
         * {@code _}; default {@code cutover_cdc}); also the default name of the slot and the
         * publication.
         */
        public Builder name(String name) {
            this.name = identifier("capture name", name);
            return this;
        }

        /** The logical replication slot (default: the capture's name); created on the first start. */
        public Builder slot(String slot) {
            this.slot = identifier("slot", slot);
            return this;
        }

        /** The publication of the captured tables (default: the capture's name); created if missing. */
        public Builder publication(String publication) {
            this.publication = identifier("publication", publication);
            return this;
        }

        /** Captures a table as {@code mapping} says; one mapping per table, at least one table. */
        public Builder table(TableMapping mapping) {
            Objects.requireNonNull(mapping, "mapping");
            if (mapping.keyColumns().isEmpty()) {
                throw new IllegalArgumentException(
                        "mapping of " + mapping.table() + " has no key columns: call key(...) on it");
            }
            if (tables.putIfAbsent(mapping.table(), mapping) != null) {
                throw new IllegalArgumentException("table " + mapping.table() + " is mapped twice");
            }
            return this;
        }

        /**
         * Where the offsets are kept (required): one shard per capture, named by the capture, the
         * source and the slot, leased to {@link #owner} so that two processes never write one
         * capture's offsets. {@link PostgresShardCheckpointStore} keeps them in a PostgreSQL table.
         */
        public Builder checkpoints(ShardCheckpointStore checkpoints) {
            this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
            return this;
        }

        /**
         * Who holds the checkpoint's lease (default: the capture's name and the host name). A
         * process restarted with the same owner takes its lease back at once; another owner waits
         * for the lease to end.
         */
        public Builder owner(String owner) {
            Objects.requireNonNull(owner, "owner");
            if (owner.isBlank() || owner.length() > 200) {
                throw new IllegalArgumentException(
                        "owner must be 1 to 200 characters, not blank, but was '" + owner + "'");
            }
            this.owner = owner;
            return this;
        }

        /** How long the checkpoint's lease lasts without renewal, 3 s to 1 h (default 30 s); renewed every third. */
        public Builder lease(Duration lease) {
            this.lease = between("lease", lease, Duration.ofSeconds(3), Duration.ofHours(1));
            return this;
        }

        /** The target the changes are applied to (required). */
        public Builder into(VersionedTarget target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** The most changes handed over and applied at once, 1 to 100,000 (default 2,048). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 100000 but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The longest wait between applies of a batch the target failed on, 100 ms to 10 min (default 30 s). */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = between("maxBackoff", maxBackoff, Duration.ofMillis(100), Duration.ofMinutes(10));
            return this;
        }

        /** How long {@link PostgresChangeCapture#start()} waits for the slot to stream, 1 s to 10 min (default 60 s). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = between("startTimeout", startTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            return this;
        }

        /**
         * How often the engine records its position while no captured table changes, so the slot
         * releases WAL written for other tables; 1 s to 1 h (default 10 s).
         */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = between("heartbeat", heartbeat, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /** The clock of checkpoint leases (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the capture; {@link PostgresChangeCapture#start()} starts it.
         *
         * @throws IllegalStateException naming what is missing: tables, checkpoints or the target
         */
        public PostgresChangeCapture build() {
            List<String> missing = new ArrayList<>();
            if (tables.isEmpty()) {
                missing.add("table(...)");
            }
            if (checkpoints == null) {
                missing.add("checkpoints(...)");
            }
            if (target == null) {
                missing.add("into(...)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("capture " + name + " needs " + String.join(", ", missing));
            }
            return new PostgresChangeCapture(new CaptureSettings(
                    name,
                    source,
                    List.copyOf(tables.values()),
                    slot != null ? slot : name,
                    publication != null ? publication : name,
                    Objects.requireNonNull(checkpoints),
                    owner != null ? owner : name + "@" + hostName(),
                    lease,
                    Objects.requireNonNull(target),
                    batchSize,
                    maxBackoff,
                    startTimeout,
                    heartbeat,
                    clock));
        }

        private static String identifier(String what, String value) {
            Objects.requireNonNull(value, what);
            if (!NAME.matcher(value).matches()) {
                throw new IllegalArgumentException(what + " must be a lower-case letter, then up to 62 lower-case"
                        + " letters, digits or _, but was '" + value + "'");
            }
            return value;
        }

        private static Duration between(String what, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, what);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(
                        what + " must be between " + min + " and " + max + " but was " + value);
            }
            return value;
        }

        private static String hostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }
}
