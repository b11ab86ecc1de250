package dev.cutover.replication;

import dev.cutover.flags.FlagClient;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.KeyLedger;
import dev.cutover.replication.internal.mirror.MirrorEngine;
import dev.cutover.replication.internal.mirror.MirrorSettings;
import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link Mirror}; start with {@link Mirror#to}. Each setting is checked when set, and
 * a bad value is named in the exception. {@link #build()} starts the worker threads.
 *
 * <pre>{@code
 * Mirror<OrderEvent> mirror = Mirror.to(newStore)
 *     .mapping(OrderEvents::toChanges)
 *     .name("orders")
 *     .gate(flags, "orders.mirror")
 *     .queue(20_000).maxBlock(Duration.ofMillis(200))
 *     .workers(4).batchSize(500).linger(Duration.ofMillis(5))
 *     .retry(5, Duration.ofMillis(100))
 *     .journal(failedWrites)
 *     .build();
 * }</pre>
 *
 * @param <E> the application's event type
 * @since 0.1.0
 */
public final class MirrorBuilder<E> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final VersionedTarget target;
    private final Function<? super E, List<Change>> mapping;
    private String name = "mirror";
    private BooleanSupplier gate = () -> true;
    private String gateDescription = "none";
    private @Nullable ChangeQueue queue;
    private int capacity = 10_000;
    private Duration maxBlock = Duration.ofSeconds(1);
    private int workers = 2;
    private int batchSize = 500;
    private Duration linger = Duration.ofMillis(5);
    private int retryAttempts = 5;
    private Duration retryBackoff = Duration.ofMillis(100);
    private @Nullable Consumer<MirrorFailure> failureListener;
    private @Nullable FailedWriteJournal journal;
    private int pendingKeysBound = KeyLedger.DEFAULT_MAX_KEYS;
    private Duration runHeartbeat = KeyLedger.DEFAULT_HEARTBEAT;
    private Clock clock = Clock.systemUTC();

    MirrorBuilder(VersionedTarget target, Function<? super E, List<Change>> mapping) {
        this.target = target;
        this.mapping = mapping;
    }

    /** Names the mirror (1 to 64 of {@code A-Z a-z 0-9 . _ -}; default {@code mirror}). */
    public MirrorBuilder<E> name(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "mirror name must be 1 to 64 of A-Z a-z 0-9 . _ - but was '" + name + "'");
        }
        this.name = name;
        return this;
    }

    /**
     * Mirrors only while the boolean flag {@code flagKey} is on (read per event; a missing flag, or
     * a client serving defaults, counts as off). Events seen while it is off are counted as skipped
     * and never mirrored: after turning the flag on, run the backfill (or a reconciliation and
     * repair) to cover the gap.
     *
     * <p>cutover-flags-core is an optional dependency of cutover-replication: a service that calls
     * this method has it on its classpath already.
     */
    public MirrorBuilder<E> gate(FlagClient flags, String flagKey) {
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(flagKey, "flagKey");
        if (flagKey.isBlank()) {
            throw new IllegalArgumentException("gate flag key must not be blank but was '" + flagKey + "'");
        }
        this.gate = () -> flags.booleanValue(flagKey, false);
        this.gateDescription = "flag " + flagKey;
        return this;
    }

    /** Mirrors only while {@code gate} returns true; a gate that throws counts as off. */
    public MirrorBuilder<E> gate(BooleanSupplier gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.gateDescription = "custom gate";
        return this;
    }

    /** A bounded in-process queue of {@code capacity} changes, at least 1 (the default, 10,000). */
    public MirrorBuilder<E> queue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
        this.queue = null;
        return this;
    }

    /** An external queue instead of the in-process one; the mirror does not close it. */
    public MirrorBuilder<E> queue(ChangeQueue queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
        return this;
    }

    /**
     * How long an observing thread waits for room in a full queue before the change is dropped and
     * recorded (default 1 s; zero: never wait). This is the backpressure on the application.
     */
    public MirrorBuilder<E> maxBlock(Duration maxBlock) {
        this.maxBlock = nonNegative("maxBlock", maxBlock);
        return this;
    }

    /** How many threads apply changes, 1 to 64 (default 2). */
    public MirrorBuilder<E> workers(int workers) {
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be between 1 and 64 but was " + workers);
        }
        this.workers = workers;
        return this;
    }

    /** The most changes one apply carries, 1 to 10,000 (default 500). */
    public MirrorBuilder<E> batchSize(int batchSize) {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be between 1 and 10000 but was " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** How long a worker waits for more changes to fill a batch (default 5 ms; zero: never). */
    public MirrorBuilder<E> linger(Duration linger) {
        this.linger = nonNegative("linger", linger);
        return this;
    }

    /**
     * Applies a failed batch up to {@code attempts} times in all, 1 to 100 (default 5), waiting
     * {@code initialBackoff} (positive; default 100 ms) after the first failure, doubling each time
     * with jitter, up to 64 times the initial wait. Changes the target refuses are not retried.
     */
    public MirrorBuilder<E> retry(int attempts, Duration initialBackoff) {
        if (attempts < 1 || attempts > 100) {
            throw new IllegalArgumentException("retry attempts must be between 1 and 100 but was " + attempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("retry initialBackoff must be positive but was " + initialBackoff);
        }
        this.retryAttempts = attempts;
        this.retryBackoff = initialBackoff;
        return this;
    }

    /**
     * Receives every change that was not applied, with its key, on the thread that gave up on it
     * (an observing thread for drops: keep it fast). Must be thread-safe; its exceptions are logged.
     */
    public MirrorBuilder<E> onFailure(Consumer<MirrorFailure> listener) {
        this.failureListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Records the key of every change that was not applied in {@code journal} (repository: the
     * mirror's name, method {@code mirror}, target {@code NEW}), where {@link Repair} finds it. The
     * entry names the change's key in the target's key space. Keys wait in a bounded in-memory set
     * ({@link #pendingKeysBound}) and the mirror's journal thread appends them, retrying while the
     * journal fails; no application thread ever calls the journal. Default: an in-memory journal,
     * with a WARN at build that it does not survive a restart.
     */
    public MirrorBuilder<E> journal(FailedWriteJournal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
        return this;
    }

    /**
     * How many distinct keys may wait in memory for the journal (while it is slow or down) before
     * further ones are covered by a {@link dev.cutover.journal.Gap} instead; default
     * 1,000,000.
     */
    public MirrorBuilder<E> pendingKeysBound(int keys) {
        if (keys < 1) {
            throw new IllegalArgumentException("pendingKeysBound must be >= 1 but was " + keys);
        }
        this.pendingKeysBound = keys;
        return this;
    }

    /**
     * How often the mirror renews its run record in the journal; default 10 s. The record's lease is
     * three heartbeats: that long after a process dies, its run reads as a gap.
     */
    public MirrorBuilder<E> runHeartbeat(Duration heartbeat) {
        Objects.requireNonNull(heartbeat, "runHeartbeat");
        if (heartbeat.toMillis() < 1) {
            throw new IllegalArgumentException("runHeartbeat must be at least 1 ms but was " + heartbeat);
        }
        this.runHeartbeat = heartbeat;
        return this;
    }

    /** The clock of failure timestamps (default system UTC). */
    public MirrorBuilder<E> clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Builds the mirror and starts its workers; close it to stop them. */
    public Mirror<E> build() {
        ChangeQueue q = queue != null ? queue : ChangeQueue.inProcess(capacity);
        MirrorSettings<E> settings = new MirrorSettings<>(
                name,
                target,
                mapping,
                gate,
                gateDescription,
                q,
                maxBlock,
                workers,
                batchSize,
                linger,
                retryAttempts,
                retryBackoff,
                failureListener,
                journal != null ? journal : new InMemoryFailedWriteJournal(),
                journal == null,
                pendingKeysBound,
                runHeartbeat,
                clock);
        return new Mirror<>(new MirrorEngine<>(settings));
    }

    private static Duration nonNegative(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must be >= 0 but was " + d);
        }
        return d;
    }
}
