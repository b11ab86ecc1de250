package dev.cutover.replication.dynamodb.internal;

import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.replication.spi.ShardCheckpointStore.Checkpoint;
import dev.cutover.replication.spi.ShardCheckpointStore.Shard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shards one stream reader holds, through leases in a {@link ShardCheckpointStore}.
 *
 * <p>Design: only the reader's thread calls the methods that change anything; other threads
 * only read {@link #ids()}, which is why the held shards sit in a concurrent map. A shard is
 * taken only when it has no parent in the stream's description, or its parent is finished in
 * the store: parents before children, so a key's records are delivered in write order across a
 * split. Leases are renewed by the reader (every third of the lease) and checkpoints extend them.
 */
final class ShardLeases {
    private static final Logger LOG = LoggerFactory.getLogger(ShardLeases.class);

    /** A held shard: where its iterator is and what was last checkpointed. */
    static final class Held {
        @Nullable
        String iterator;

        @Nullable
        String sequence;

        Held(@Nullable String sequence) {
            this.sequence = sequence;
        }
    }

    private final ShardCheckpointStore store;
    private final StreamSettings s;
    private final StreamCounters counters;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Set<String> finished = new HashSet<>();

    ShardLeases(ShardCheckpointStore store, StreamSettings settings, StreamCounters counters) {
        this.store = store;
        this.s = settings;
        this.counters = counters;
    }

    Shard shard(String shardId) {
        return new Shard(s.consumer(), s.streamArn(), shardId);
    }

    Instant leaseUntil() {
        return s.clock().instant().plus(s.lease());
    }

    /** Leases the shards of {@code parents} (shard to parent, as described) this reader may read now. */
    void claim(Map<String, @Nullable String> parents) throws Exception {
        for (Map.Entry<String, @Nullable String> e : parents.entrySet()) {
            String id = e.getKey();
            if (held.containsKey(id) || finished.contains(id)) {
                continue;
            }
            if (held.size() >= s.maxShards()) {
                return;
            }
            String parent = e.getValue();
            if (parent != null && parents.containsKey(parent) && !isFinished(parent)) {
                continue; // parents first: the parent's records of a key come before the child's
            }
            Optional<Checkpoint> lease =
                    store.lease(shard(id), s.owner(), s.clock().instant(), leaseUntil());
            if (lease.isEmpty()) {
                continue; // another reader holds it
            }
            if (lease.get().finished()) {
                finished.add(id);
                store.release(shard(id), s.owner());
                continue;
            }
            held.put(id, new Held(lease.get().sequenceNumber()));
            LOG.info(
                    "{}: reading shard {} {}",
                    s.consumer(),
                    id,
                    lease.get().sequenceNumber() == null
                            ? "from its start"
                            : "after " + lease.get().sequenceNumber());
        }
    }

    private boolean isFinished(String shardId) throws Exception {
        if (!finished.contains(shardId)
                && store.read(shard(shardId)).map(Checkpoint::finished).orElse(false)) {
            finished.add(shardId);
        }
        return finished.contains(shardId);
    }

    /** Renews every lease held, dropping those another reader took. */
    void renew() throws Exception {
        for (String id : new ArrayList<>(held.keySet())) {
            if (store.lease(shard(id), s.owner(), s.clock().instant(), leaseUntil())
                    .isEmpty()) {
                lost(id);
            }
        }
    }

    /** Checkpoints {@code sequence} of a held shard; false (and dropped) when another reader took it. */
    boolean checkpoint(String id, String sequence) throws Exception {
        if (!store.checkpoint(shard(id), s.owner(), sequence, leaseUntil())) {
            lost(id);
            return false;
        }
        held.get(id).sequence = sequence;
        return true;
    }

    /** Records a held shard as read to its end and lets it go. */
    void finish(String id) throws Exception {
        if (store.finish(shard(id), s.owner())) {
            finished.add(id);
            store.release(shard(id), s.owner());
            LOG.info("{}: shard {} read to its end", s.consumer(), id);
        }
        held.remove(id);
    }

    /** Drops a shard that is gone from the stream. */
    void drop(String id) {
        held.remove(id);
    }

    private void lost(String id) {
        held.remove(id);
        counters.lostLeases.increment();
        LOG.info("{}: another reader took shard {}", s.consumer(), id);
    }

    /** Releases every lease, so other readers take the shards at once. */
    void releaseAll() {
        for (String id : new ArrayList<>(held.keySet())) {
            try {
                store.release(shard(id), s.owner());
            } catch (Exception e) {
                LOG.warn(
                        "{}: could not release shard {} ({}); it frees when its lease expires",
                        s.consumer(),
                        id,
                        e.toString());
            }
        }
        held.clear();
    }

    /** A held shard, or null. */
    @Nullable
    Held held(String id) {
        return held.get(id);
    }

    /** The shards held now. */
    Set<String> ids() {
        return Set.copyOf(held.keySet());
    }
}
