package dev.cutover.replication.postgres.internal;

import dev.cutover.replication.postgres.PostgresCaptureException;
import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.replication.spi.ShardCheckpointStore.Shard;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture's hold on its checkpoint: the lease of its shard in a {@link ShardCheckpointStore}
 * (so two processes never write one capture's offsets) and the last token written.
 *
 * <p>Debezium instantiates its offset store by class name, so {@link CheckpointOffsetStore} finds
 * its instance through {@link #lookUp(String)}: each instance is registered under a random handle
 * passed in the engine's configuration, and unregistered by {@link #close()}.
 *
 * <p>Thread-safe: the engine's offset thread saves, the capture's heartbeat renews.
 */
public final class OffsetCheckpoints implements AutoCloseable {
    /** The engine configuration entry that carries the handle. */
    public static final String HANDLE = "cutover.offsets.handle";

    private static final Logger LOG = LoggerFactory.getLogger(OffsetCheckpoints.class);
    private static final Map<String, OffsetCheckpoints> REGISTRY = new ConcurrentHashMap<>();

    private final String handle = UUID.randomUUID().toString();
    private final ShardCheckpointStore store;
    private final Shard shard;
    private final String owner;
    private final Duration lease;
    private final Clock clock;
    private final AtomicReference<@Nullable String> token = new AtomicReference<>();
    private final AtomicReference<@Nullable RuntimeException> failure = new AtomicReference<>();
    private final AtomicLong saves = new AtomicLong();

    public OffsetCheckpoints(ShardCheckpointStore store, Shard shard, String owner, Duration lease, Clock clock) {
        this.store = store;
        this.shard = shard;
        this.owner = owner;
        this.lease = lease;
        this.clock = clock;
        REGISTRY.put(handle, this);
    }

    /** The instance registered under {@code handle}. */
    static OffsetCheckpoints lookUp(String handle) {
        OffsetCheckpoints found = REGISTRY.get(handle);
        if (found == null) {
            throw new IllegalStateException("no capture checkpoint registered under " + handle);
        }
        return found;
    }

    /** The handle to pass as {@link #HANDLE}. */
    public String handle() {
        return handle;
    }

    /**
     * Takes the lease and reads the stored token. A capture that never saved one starts from
     * {@code seed}, saved at once.
     *
     * @throws PostgresCaptureException when another owner holds a live lease, or the stored token
     *     is not a capture checkpoint
     */
    public void acquire(OffsetToken seed) throws Exception {
        Instant now = clock.instant();
        Optional<ShardCheckpointStore.Checkpoint> held = store.lease(shard, owner, now, now.plus(lease));
        if (held.isEmpty()) {
            ShardCheckpointStore.Checkpoint other = store.read(shard).orElse(null);
            throw new PostgresCaptureException("checkpoint " + shard.id() + " is leased by '"
                    + (other == null ? "?" : other.owner()) + "' until "
                    + (other == null ? "?" : other.leaseUntil()) + "; another process captures this slot"
                    + " (give each capture its own slot, or wait for that lease to end)");
        }
        String stored = held.get().sequenceNumber();
        if (stored != null) {
            try {
                OffsetToken.decode(stored);
                token.set(stored);
                return;
            } catch (IllegalArgumentException e) {
                throw new PostgresCaptureException(
                        "checkpoint " + shard.id() + " does not hold a capture's offsets: " + e.getMessage(), e);
            }
        }
        save(seed.offsets());
    }

    /** Debezium's offsets stored last (empty if none). */
    Map<ByteBuffer, ByteBuffer> storedOffsets() {
        String t = token.get();
        return t == null ? Map.of() : OffsetToken.decode(t).offsets();
    }

    /**
     * Writes Debezium's offsets, renewing the lease.
     *
     * @throws PostgresCaptureException when another owner took the checkpoint over; it is also
     *     kept as {@link #failure()}
     */
    void save(Map<ByteBuffer, ByteBuffer> offsets) throws Exception {
        String next = new OffsetToken(offsets).encode();
        if (!store.checkpoint(shard, owner, next, clock.instant().plus(lease))) {
            throw fail(new PostgresCaptureException("checkpoint " + shard.id() + " was taken over by another owner;"
                    + " this capture ('" + owner + "') stops without saving its offsets"));
        }
        token.set(next);
        saves.incrementAndGet();
    }

    /** Renews the lease (the heartbeat between saves); a lease lost to another owner fails the capture. */
    public void renew() {
        try {
            Instant now = clock.instant();
            if (store.lease(shard, owner, now, now.plus(lease)).isEmpty()) {
                fail(new PostgresCaptureException(
                        "checkpoint " + shard.id() + " was taken over by another owner while '" + owner + "' held it"));
            }
        } catch (Exception e) {
            // a store that is down for a moment: the next heartbeat or save tries again
            LOG.warn(
                    "checkpoint {}: lease not renewed, trying again at the next heartbeat: {}",
                    shard.id(),
                    e.toString());
        }
    }

    private PostgresCaptureException fail(PostgresCaptureException e) {
        failure.compareAndSet(null, e);
        return e;
    }

    /** Why the checkpoint can no longer be written, if it cannot. */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Offsets written so far (the first-start save included). */
    public long saves() {
        return saves.get();
    }

    /** The lease duration. */
    public Duration lease() {
        return lease;
    }

    /** Gives up the lease, so another process may take over at once, and unregisters. */
    @Override
    public void close() {
        REGISTRY.remove(handle);
        try {
            store.release(shard, owner);
        } catch (Exception e) {
            // the lease ends by itself
        }
    }
}
