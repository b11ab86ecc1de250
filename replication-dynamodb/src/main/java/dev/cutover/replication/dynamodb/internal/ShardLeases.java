package dev.cutover.replication.dynamodb.internal;

import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.replication.spi.ShardCheckpointStore.Checkpoint;
import dev.cutover.replication.spi.ShardCheckpointStore.Shard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shards one stream reader holds, through leases in a {@link ShardCheckpointStore}, and its
 * fair share of them.
 *
 * <p>Design. The reader's coordinating thread claims, renews, balances and releases; the threads
 * reading shards checkpoint, finish and check their shard's lease before each delivery. A shard
 * is read by one thread at a time ({@link Held#busy}), so its iterator and sequence have one
 * writer. A shard is taken only when it has no parent in the stream's description, or its parent
 * is finished in the store: parents before children, so a key's records are delivered in write
 * order across a split.
 *
 * <p>Fair share. Each reader holds a presence lease on the first free of the slots {@code
 * cutover-reader-slot-0}, {@code -1}, ... (records of the same store, never a real shard id), so
 * that a reader holding no shard yet is counted too. Each describe round the reader reads the
 * slots and the open shards' checkpoints, and with {@code S} readable shards and {@code R} live
 * readers holds at most {@code ceil(S / R)}, releasing the rest; when another live reader holds
 * fewer than {@code floor(S / R)} and no shard is free, a reader above {@code floor(S / R)} hands
 * one shard over. A shard is handed over by releasing it after its last checkpoint (no record is
 * delivered twice by a hand-over), and the reader leaves it to the others for three describe
 * rounds, so it does not take it straight back. A reader that dies stops renewing: its slot and
 * shards expire after one lease and the others take them.
 */
final class ShardLeases {
    private static final Logger LOG = LoggerFactory.getLogger(ShardLeases.class);
    static final String SLOT = "cutover-reader-slot-";

    /** A held shard: where its iterator is, what was last checkpointed, and who reads it now. */
    static final class Held {
        volatile @Nullable String iterator;
        volatile @Nullable String sequence;
        volatile Instant leaseUntil;
        /** Set while one thread reads the shard. */
        final AtomicBoolean busy = new AtomicBoolean();
        /** Set when the shard is to be handed over once its current batch is checkpointed. */
        volatile boolean releasing;
        /** Failures in a row, and when the shard may be read again (System.nanoTime). */
        volatile int failures;

        volatile long notBefore;

        Held(@Nullable String sequence, Instant leaseUntil) {
            this.sequence = sequence;
            this.leaseUntil = leaseUntil;
        }
    }

    private final ShardCheckpointStore store;
    private final StreamSettings s;
    private final StreamCounters counters;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    /** Shards handed over, and until when (System.nanoTime) this reader leaves them to others. */
    private final Map<String, Long> handedOver = new ConcurrentHashMap<>();

    private int slot = -1;
    private int limit = Integer.MAX_VALUE;

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
        int most = Math.min(s.maxShards(), limit);
        for (Map.Entry<String, @Nullable String> e : parents.entrySet()) {
            String id = e.getKey();
            if (held.containsKey(id) || finished.contains(id) || leftToOthers(id)) {
                continue;
            }
            if (held.size() >= most) {
                return;
            }
            if (!readable(parents, e.getValue())) {
                continue; // parents first: the parent's records of a key come before the child's
            }
            Instant until = leaseUntil();
            Optional<Checkpoint> lease =
                    store.lease(shard(id), s.owner(), s.clock().instant(), until);
            if (lease.isEmpty()) {
                continue; // another reader holds it
            }
            if (lease.get().finished()) {
                finished.add(id);
                store.release(shard(id), s.owner());
                continue;
            }
            held.put(id, new Held(lease.get().sequenceNumber(), until));
            LOG.info(
                    "{}: {} reads shard {} {}",
                    s.consumer(),
                    s.owner(),
                    id,
                    lease.get().sequenceNumber() == null
                            ? "from its start"
                            : "after " + lease.get().sequenceNumber());
        }
    }

    private boolean leftToOthers(String id) {
        Long until = handedOver.get(id);
        if (until != null && System.nanoTime() - until >= 0) {
            handedOver.remove(id);
            return false;
        }
        return until != null;
    }

    private boolean readable(Map<String, @Nullable String> parents, @Nullable String parent) throws Exception {
        return parent == null || !parents.containsKey(parent) || isFinished(parent);
    }

    private boolean isFinished(String shardId) throws Exception {
        if (!finished.contains(shardId)
                && store.read(shard(shardId)).map(Checkpoint::finished).orElse(false)) {
            finished.add(shardId);
        }
        return finished.contains(shardId);
    }

    /**
     * Works out this reader's fair share of the readable shards of {@code parents} from the
     * presence slots and the shards' checkpoints, and hands over what it holds beyond it.
     */
    void balance(Map<String, @Nullable String> parents) throws Exception {
        Instant now = s.clock().instant();
        Map<String, Integer> holding = new HashMap<>();
        int readable = 0;
        for (Map.Entry<String, @Nullable String> e : parents.entrySet()) {
            String id = e.getKey();
            if (finished.contains(id) || !readable(parents, e.getValue())) {
                continue;
            }
            Optional<Checkpoint> c = held.containsKey(id) ? Optional.empty() : store.read(shard(id));
            if (c.isPresent() && c.get().finished()) {
                finished.add(id);
                continue;
            }
            readable++;
            String owner = held.containsKey(id)
                    ? s.owner()
                    : c.filter(x -> x.owner() != null && !x.leaseUntil().isBefore(now))
                            .map(Checkpoint::owner)
                            .orElse(null);
            if (owner != null) {
                holding.merge(owner, 1, Integer::sum);
            }
        }
        Set<String> live = new HashSet<>(holding.keySet());
        live.addAll(liveSlots(now));
        live.add(s.owner());
        int floor = readable / live.size();
        int ceil = (readable + live.size() - 1) / live.size();
        boolean someoneShort = live.stream().anyMatch(o -> !o.equals(s.owner()) && holding.getOrDefault(o, 0) < floor);
        int free =
                readable - holding.values().stream().mapToInt(Integer::intValue).sum();
        limit = ceil;
        // at once down to the ceiling; one a round towards a reader short of its share, when
        // there is no free shard it could take instead
        int excess = held.size() > ceil ? held.size() - ceil : someoneShort && free == 0 && held.size() > floor ? 1 : 0;
        List<String> mine = new ArrayList<>(held.keySet());
        for (int i = 0; i < excess && i < mine.size(); i++) {
            handOver(mine.get(mine.size() - 1 - i));
        }
    }

    /**
     * The owners of the live presence slots: slots are taken lowest first, so the scan stops after
     * three slots in a row that nobody holds, past this reader's own.
     */
    private Set<String> liveSlots(Instant now) throws Exception {
        Set<String> owners = new HashSet<>();
        int misses = 0;
        for (int i = 0; i <= slot || misses < 3; i++) {
            Optional<String> owner = store.read(shard(SLOT + i))
                    .filter(c -> c.owner() != null && !c.leaseUntil().isBefore(now))
                    .map(Checkpoint::owner);
            if (owner.isPresent()) {
                owners.add(owner.get());
                misses = 0;
            } else {
                misses++;
            }
        }
        return owners;
    }

    /** Takes or renews this reader's presence slot. */
    void present() throws Exception {
        if (slot >= 0
                && store.lease(shard(SLOT + slot), s.owner(), s.clock().instant(), leaseUntil())
                        .isPresent()) {
            return;
        }
        for (int i = 0; ; i++) {
            if (store.lease(shard(SLOT + i), s.owner(), s.clock().instant(), leaseUntil())
                    .isPresent()) {
                slot = i;
                return;
            }
        }
    }

    private void handOver(String id) throws Exception {
        Held o = held.get(id);
        if (o == null) {
            return;
        }
        o.releasing = true;
        if (o.busy.compareAndSet(false, true)) { // nobody reads it: hand it over now
            release(id);
        } // else the thread reading it releases it after its checkpoint
    }

    /** Releases a held shard (its last batch checkpointed) so another reader takes it at once. */
    void release(String id) throws Exception {
        if (held.remove(id) != null) {
            handedOver.put(id, System.nanoTime() + s.describeEvery().toNanos() * 3);
            store.release(shard(id), s.owner());
            LOG.info("{}: {} hands shard {} over to a reader below its share", s.consumer(), s.owner(), id);
        }
    }

    /** Renews the presence slot and every lease held, dropping those another reader took. */
    void renew() throws Exception {
        present();
        for (Map.Entry<String, Held> e : new ArrayList<>(held.entrySet())) {
            Instant until = leaseUntil();
            if (store.lease(shard(e.getKey()), s.owner(), s.clock().instant(), until)
                    .isEmpty()) {
                lost(e.getKey());
            } else {
                e.getValue().leaseUntil = until;
            }
        }
    }

    /**
     * Whether this reader still holds {@code id} as {@code o} with a lease running at least a third
     * of the lease time more (renewing it if not): checked before each delivery, so a reader never
     * hands over changes of a shard whose lease it lost.
     */
    boolean stillHeld(String id, Held o) throws Exception {
        if (held.get(id) != o) {
            return false;
        }
        if (o.leaseUntil.isAfter(s.clock().instant().plus(s.lease().dividedBy(3)))) {
            return true;
        }
        Instant until = leaseUntil();
        if (store.lease(shard(id), s.owner(), s.clock().instant(), until).isEmpty()) {
            lost(id);
            return false;
        }
        o.leaseUntil = until;
        return true;
    }

    /** Checkpoints {@code sequence} of a held shard; false (and dropped) when another reader took it. */
    boolean checkpoint(String id, Held o, String sequence) throws Exception {
        Instant until = leaseUntil();
        if (!store.checkpoint(shard(id), s.owner(), sequence, until)) {
            lost(id);
            return false;
        }
        o.sequence = sequence;
        o.leaseUntil = until;
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
        if (held.remove(id) != null) {
            counters.lostLeases.increment();
            LOG.info("{}: another reader took shard {} from {}", s.consumer(), id, s.owner());
        }
    }

    /** Releases every lease and the presence slot, so other readers take the shards at once. */
    void releaseAll() {
        List<String> ids = new ArrayList<>(held.keySet());
        if (slot >= 0) {
            ids.add(SLOT + slot);
        }
        for (String id : ids) {
            try {
                store.release(shard(id), s.owner());
            } catch (Exception e) {
                LOG.warn(
                        "{}: could not release {} ({}); it frees when its lease expires",
                        s.consumer(),
                        id,
                        e.toString());
            }
        }
        held.clear();
        slot = -1;
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
