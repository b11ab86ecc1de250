package dev.cutover.replication.dynamodb;

import dev.cutover.replication.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A shard graph on a {@link ScriptedStream}: root shards, some split in two children, every key
 * of a root written in the root first and then in one of its children, so a key's versions are
 * delivered in write order only if a child is read after its parent. Remembers what was written
 * and checks what readers delivered.
 */
final class ShardGraph {
    final ScriptedStream stream = new ScriptedStream();
    /** Every key and the versions written to it, in write order. */
    final Map<String, Long> written = new ConcurrentHashMap<>();
    /** The open shards that take more writes (roots not split, and children). */
    final List<String> leaves = new CopyOnWriteArrayList<>();

    private final Map<String, String> rootOf = new ConcurrentHashMap<>();

    /**
     * Roots {@code r0..}, each with {@code perShard} writes to each of its 2 keys; the roots in
     * {@code split} closed and split into {@code rNa} and {@code rNb}, each taking one key on.
     */
    ShardGraph(int roots, Set<Integer> split, int perShard) {
        for (int r = 0; r < roots; r++) {
            String root = "r" + r;
            stream.open(root, null);
            rootOf.put(root, root);
            for (int i = 0; i < perShard; i++) {
                write(root, root + "-k0");
                write(root, root + "-k1");
            }
            if (split.contains(r)) {
                stream.close(root);
                for (String side : List.of("a", "b")) {
                    stream.open(root + side, root);
                    rootOf.put(root + side, root);
                    leaves.add(root + side);
                    for (int i = 0; i < perShard; i++) {
                        write(root + side, root + (side.equals("a") ? "-k0" : "-k1"));
                    }
                }
            } else {
                leaves.add(root);
            }
        }
    }

    /** One more write to each key of each open leaf. */
    void writeMore() {
        for (String leaf : leaves) {
            String root = rootOf.get(leaf);
            if (leaf.equals(root)) {
                write(leaf, root + "-k0");
                write(leaf, root + "-k1");
            } else {
                write(leaf, root + (leaf.endsWith("a") ? "-k0" : "-k1"));
            }
        }
    }

    private void write(String shard, String key) {
        long version = written.merge(key, 1L, Long::sum);
        stream.write(shard, key, version, false);
    }

    /** Records the first delivery of each version of each key, in order, across readers. */
    static final class FirstSeen implements ChangeHandler {
        final Map<String, List<Long>> firstSeen = new ConcurrentHashMap<>();
        final Map<String, Set<Long>> seen = new ConcurrentHashMap<>();

        @Override
        public synchronized void handle(List<Change> changes) {
            for (Change c : changes) {
                if (seen.computeIfAbsent(c.key(), k -> ConcurrentHashMap.newKeySet())
                        .add(c.version())) {
                    firstSeen
                            .computeIfAbsent(c.key(), k -> new CopyOnWriteArrayList<>())
                            .add(c.version());
                }
            }
        }

        /** Whether every version written was delivered. */
        boolean complete(Map<String, Long> written) {
            return written.entrySet().stream()
                    .allMatch(e -> seen.getOrDefault(e.getKey(), Set.of()).size() == e.getValue());
        }

        /** For each key, 1..n: every version, first delivered in write order. */
        static List<Long> expected(long n) {
            List<Long> out = new ArrayList<>();
            for (long v = 1; v <= n; v++) {
                out.add(v);
            }
            return out;
        }
    }
}
