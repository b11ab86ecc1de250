package dev.cutover.replication.postgres.internal;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Debezium's offset storage ({@code offset.storage}) over a Cutover {@link
 * dev.cutover.replication.spi.ShardCheckpointStore}: the offsets live in memory as in Kafka
 * Connect's memory store, are loaded from the checkpoint at start, and every flush writes them all
 * as one token ({@link OffsetToken}) through {@link OffsetCheckpoints}; the memory holds only what
 * was saved.
 *
 * <p>The engine flushes only offsets of records the capture marked processed, and the capture
 * marks a record only after its change was applied; so a stored offset never runs ahead of the
 * target. A flush that fails (store down, lease lost) leaves the stored offset where it was: the
 * changes after it come again on restart and end {@code DUPLICATE}.
 *
 * <p>Instantiated by Debezium by its class name (a public no-argument constructor); finds its
 * {@link OffsetCheckpoints} through the handle in the engine configuration.
 */
public final class CheckpointOffsetStore extends MemoryOffsetBackingStore {
    private OffsetCheckpoints checkpoints;

    /** For Debezium. */
    public CheckpointOffsetStore() {}

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Object handle = config.originals().get(OffsetCheckpoints.HANDLE);
        if (handle == null) {
            throw new IllegalStateException("engine configuration has no " + OffsetCheckpoints.HANDLE);
        }
        checkpoints = OffsetCheckpoints.lookUp(handle.toString());
    }

    @Override
    public synchronized void start() {
        super.start();
        data = new HashMap<>(checkpoints.storedOffsets());
    }

    /**
     * Saves the offsets merged with {@code values}, and only then takes them as the offsets held:
     * Debezium reads the held offsets back to confirm positions to the replication slot, so
     * offsets that were not saved must never be held (the memory store would hold them first).
     */
    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, @Nullable Callback<Void> callback) {
        return executor.submit(() -> {
            Map<ByteBuffer, ByteBuffer> next = new HashMap<>(data);
            next.putAll(values);
            try {
                checkpoints.save(next);
            } catch (Exception e) {
                if (callback != null) {
                    callback.onCompletion(e, null);
                }
                throw new IllegalStateException("offsets not saved: " + e.getMessage(), e);
            }
            data = next;
            if (callback != null) {
                callback.onCompletion(null, null);
            }
            return null;
        });
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}
