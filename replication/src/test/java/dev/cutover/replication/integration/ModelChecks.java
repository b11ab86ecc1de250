package dev.cutover.replication.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Change;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What the new store must hold after a history, its delivery and a backfill: checks against the model. */
final class ModelChecks {
    private ModelChecks() {}

    /**
     * Checks every key against the model and returns the keys whose last write, a delete, was lost
     * while the newest event the mirror took of them is an upsert: live in new, absent in old.
     */
    static Set<String> assertModelState(List<Write> history, Delivery delivery, JdbcVersionedTarget target)
            throws Exception {
        Map<String, List<Write>> byKey = new LinkedHashMap<>();
        history.forEach(
                w -> byKey.computeIfAbsent(w.key(), k -> new ArrayList<>()).add(w));
        Set<String> lostDeletes = new TreeSet<>();
        for (Map.Entry<String, List<Write>> e : byKey.entrySet()) {
            List<Write> writes = e.getValue();
            Write last = writes.get(writes.size() - 1);
            Optional<Change> stored = target.read(e.getKey());
            if (!last.delete() || delivery.mirrored(last)) {
                // a live row is copied by the backfill if its event was lost; a delete taken is never undone
                assertThat(stored).as("%s after %s", e.getKey(), writes).contains(last.change());
            } else {
                Optional<Write> newestTaken =
                        writes.stream().filter(delivery::mirrored).max(Comparator.comparingLong(Write::version));
                assertThat(stored)
                        .as("%s after %s, delete lost", e.getKey(), writes)
                        .isEqualTo(newestTaken.map(Write::change));
                if (newestTaken.isPresent() && !newestTaken.get().delete()) {
                    lostDeletes.add(e.getKey());
                }
            }
        }
        return lostDeletes;
    }

    /** Every event the mirror took, applied again in another order: nothing takes effect, nothing changes. */
    static void assertIdempotent(
            Delivery delivery, RecordingTarget target, JdbcVersionedTarget jdbcTarget, Set<String> keys, long seed)
            throws Exception {
        Map<String, Optional<Change>> before = state(jdbcTarget, keys);
        List<Change> again =
                new ArrayList<>(delivery.mirrored().stream().map(Write::change).toList());
        Collections.shuffle(again, new Random(seed));
        assertThat(target.apply(again)).as("applying the events again").doesNotContain(ApplyOutcome.APPLIED);
        assertThat(state(jdbcTarget, keys)).isEqualTo(before);
    }

    static Map<String, Optional<Change>> state(JdbcVersionedTarget target, Set<String> keys) throws Exception {
        Map<String, Optional<Change>> state = new TreeMap<>();
        for (String key : keys) {
            state.put(key, target.read(key));
        }
        return state;
    }
}
