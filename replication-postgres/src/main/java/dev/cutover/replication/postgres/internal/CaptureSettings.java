package dev.cutover.replication.postgres.internal;

import dev.cutover.replication.postgres.TableMapping;
import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A capture's validated configuration, as its builder made it. */
public record CaptureSettings(
        String name,
        SourceSettings source,
        List<TableMapping> tables,
        String slot,
        String publication,
        ShardCheckpointStore checkpoints,
        String owner,
        Duration lease,
        VersionedTarget target,
        int batchSize,
        Duration maxBackoff,
        Duration startTimeout,
        Duration heartbeat,
        Clock clock) {
    public CaptureSettings {
        tables = List.copyOf(tables);
    }

    /** The checkpoint's shard: the capture's name, the source database and the slot. */
    public ShardCheckpointStore.Shard shard() {
        return new ShardCheckpointStore.Shard(name, "postgresql://" + source.describe(), slot);
    }
}
