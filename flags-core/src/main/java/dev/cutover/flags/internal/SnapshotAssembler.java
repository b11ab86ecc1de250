package dev.cutover.flags.internal;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagChangeEvent;
import dev.cutover.flags.InvalidFlagException;
import dev.cutover.flags.spi.RawFlag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a store's raw documents into a validated {@link Snapshot}.
 *
 * <p>Each document is parsed and validated on its own. A bad one is rejected with one WARN naming
 * the key and the reason (logged once per distinct bad document, not on every reload) and a
 * metric increment; the flag keeps its previous valid version, if the previous snapshot had one,
 * while the rest of the snapshot updates. A document identical to the one already compiled is
 * reused without parsing. Never throws for bad data.
 */
final class SnapshotAssembler {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAssembler.class);

    private final EvaluationCounters counters;
    private final LongAdder rejectedTotal;
    /** key -> the bad document last reported, so the same rejection is logged once. */
    private final Map<String, String> reportedBad = new ConcurrentHashMap<>();

    SnapshotAssembler(EvaluationCounters counters, LongAdder rejectedTotal) {
        this.counters = counters;
        this.rejectedTotal = rejectedTotal;
    }

    /** The result of one assembly. */
    record Result(Snapshot snapshot, List<FlagChangeEvent> changes) {}

    Result assemble(
            long revision,
            List<RawFlag> raw,
            Snapshot previous,
            ClientStatus.Source source,
            Instant dataTime,
            long nowMillis) {
        return assemble(revision, raw, previous, Map.of(), source, dataTime, nowMillis);
    }

    /**
     * Assembles a snapshot. A rejected flag keeps its version from {@code previous}, or, when
     * previous has none (a fresh instance), from {@code fallback} (the backup file's flags), so that
     * a new instance serves the same kept version as the instances that were already running.
     */
    Result assemble(
            long revision,
            List<RawFlag> raw,
            Snapshot previous,
            Map<String, CompiledFlag> fallback,
            ClientStatus.Source source,
            Instant dataTime,
            long nowMillis) {
        Map<String, CompiledFlag> next = new HashMap<>(raw.size() * 2);
        Set<String> seenBad = new HashSet<>();
        int rejected = 0;
        for (RawFlag doc : raw) {
            String key = doc.key();
            if (next.containsKey(key)) {
                seenBad.add(key);
                reject(key, doc.json(), "the store returned the key twice; the first document is kept");
                rejected++;
                continue;
            }
            CompiledFlag old = previous.flags().get(key);
            CompiledFlag keep = old != null ? old : fallback.get(key);
            if (doc.rejection() != null) {
                rejected++;
                seenBad.add(key);
                reject(
                        key,
                        "rejected by the store at version " + doc.version(),
                        doc.rejection() + (keep == null ? "" : "; keeping version " + keep.version));
                if (keep != null) {
                    next.put(key, keep);
                }
                continue;
            }
            try {
                if (old != null && old.json.equals(doc.json())) {
                    next.put(key, old);
                    continue;
                }
                Flag flag = FlagCodec.parse(doc.json(), key);
                if (flag.version() != doc.version()) {
                    flag = flag.toBuilder().version(doc.version()).build();
                }
                String canonical = FlagCodec.write(flag);
                if (old != null && old.json.equals(canonical)) {
                    next.put(key, old);
                } else {
                    next.put(key, CompiledFlag.compile(flag, canonical, counters, nowMillis));
                }
                reportedBad.remove(key);
            } catch (InvalidFlagException e) {
                rejected++;
                seenBad.add(key);
                reject(key, doc.json(), e.reason() + (keep == null ? "" : "; keeping version " + keep.version));
                if (keep != null) {
                    next.put(key, keep);
                }
            } catch (RuntimeException e) {
                rejected++;
                seenBad.add(key);
                reject(key, doc.json(), "unexpected " + e + (keep == null ? "" : "; keeping version " + keep.version));
                if (keep != null) {
                    next.put(key, keep);
                }
            }
        }
        reportedBad.keySet().retainAll(seenBad);
        Snapshot snapshot = new Snapshot(revision, next, source, null, dataTime, rejected);
        return new Result(snapshot, diff(previous, snapshot));
    }

    private void reject(String key, String json, String reason) {
        rejectedTotal.increment();
        String before = reportedBad.put(key, json);
        if (!json.equals(before)) {
            LOG.warn("Rejected flag '{}': {}", key, reason);
        }
    }

    /** The flags whose definition differs between two snapshots. */
    static List<FlagChangeEvent> diff(Snapshot before, Snapshot after) {
        if (!before.hasData()) {
            return List.of();
        }
        List<FlagChangeEvent> changes = new ArrayList<>();
        for (Map.Entry<String, CompiledFlag> e : after.flags().entrySet()) {
            CompiledFlag old = before.flags().get(e.getKey());
            if (old == null || !old.json.equals(e.getValue().json)) {
                changes.add(new FlagChangeEvent(
                        e.getKey(), old == null ? 0 : old.version, e.getValue().version, after.revision()));
            }
        }
        for (Map.Entry<String, CompiledFlag> e : before.flags().entrySet()) {
            if (!after.flags().containsKey(e.getKey())) {
                changes.add(new FlagChangeEvent(e.getKey(), e.getValue().version, 0, after.revision()));
            }
        }
        return changes;
    }
}
