package dev.cutover.replication;

import dev.cutover.replication.spi.RangeResultStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link RangeResultStore} in memory: for a split reconciliation whose processes share one JVM
 * (threads, tests), with an {@link InMemoryCheckpointStore}.
 *
 * <pre>{@code
 * InMemoryRangeResultStore results = new InMemoryRangeResultStore();
 * reconciler.split(new InMemoryCheckpointStore(), results).run();
 * }</pre>
 *
 * @since 0.2.0
 */
public final class InMemoryRangeResultStore implements RangeResultStore {
    private final ConcurrentMap<String, String> results = new ConcurrentHashMap<>();

    @Override
    public void prepare() {}

    @Override
    public void put(String id, String result) {
        results.putIfAbsent(Objects.requireNonNull(id, "id"), Objects.requireNonNull(result, "result"));
    }

    @Override
    public Optional<String> get(String id) {
        return Optional.ofNullable(results.get(id));
    }

    /** How many results are stored. */
    public int size() {
        return results.size();
    }

    @Override
    public String describe() {
        return "in-memory range results";
    }
}
