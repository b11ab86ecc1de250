package dev.cutover.replication.integration;

import dev.cutover.replication.Change;
import dev.cutover.replication.ForwardingTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A target shared by every writer of a test (the mirror, each backfill process), counting per
 * change (key and version) how often the real target answered {@link ApplyOutcome#APPLIED}: over
 * all paths and processes, a change must take effect at most once. Thread-safe.
 */
final class RecordingTarget extends ForwardingTarget {
    private record Version(String key, long version) {}

    private final ConcurrentHashMap<Version, AtomicInteger> applied = new ConcurrentHashMap<>();

    RecordingTarget(VersionedTarget target) {
        super(target);
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
        List<ApplyOutcome> outcomes = super.apply(changes);
        for (int i = 0; i < changes.size(); i++) {
            if (outcomes.get(i) == ApplyOutcome.APPLIED) {
                Change c = changes.get(i);
                applied.computeIfAbsent(new Version(c.key(), c.version()), v -> new AtomicInteger())
                        .incrementAndGet();
            }
        }
        return outcomes;
    }

    /** The changes (as {@code key@version}) that took effect more than once, with how often. */
    Map<String, Integer> appliedMoreThanOnce() {
        Map<String, Integer> out = new TreeMap<>();
        applied.forEach((v, n) -> {
            if (n.get() > 1) {
                out.put(v.key() + "@" + v.version(), n.get());
            }
        });
        return out;
    }

    /** How many distinct changes took effect. */
    int appliedChanges() {
        return applied.size();
    }
}
