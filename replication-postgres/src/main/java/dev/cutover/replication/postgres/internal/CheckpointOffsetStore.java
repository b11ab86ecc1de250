package dev.cutover.replication.postgres.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offset storage ({@code offset.storage}) over a Cutover {@link
 * dev.cutover.replication.spi.ShardCheckpointStore}: the offsets live in memory as in Kafka
 * Connect's memory store, are loaded from the checkpoint at start, and every flush writes them all
 * as one token ({@link OffsetToken}) through {@link OffsetCheckpoints}.
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

    @Override
    protected void save() {
        try {
            checkpoints.save(new HashMap<>(data));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("offsets not saved: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}
