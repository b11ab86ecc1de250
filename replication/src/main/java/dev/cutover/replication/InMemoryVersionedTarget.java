package dev.cutover.replication;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.internal.PayloadJson;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.ReplaceOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link VersionedTarget} in memory: for tests of a migration's wiring, and the reference the
 * store contract is checked against. One segment per {@code segments} argument, keys assigned by
 * hash; pages in key order; the token is the last key read. Payloads are kept as deep copies, as
 * a store of JSON text would give them back: integers as {@code long} ({@code BigInteger} beyond),
 * finite doubles as {@code BigDecimal}, so that a test against it sees what a real store returns
 * and a caller changing a tree after applying it changes nothing stored.
 *
 * <pre>{@code
 * InMemoryVersionedTarget target = new InMemoryVersionedTarget();
 * target.apply(List.of(Change.upsert("order-1", 3, json)));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class InMemoryVersionedTarget implements VersionedTarget {
    private record Stored(Change change, Instant appliedAt) {}

    private final ConcurrentSkipListMap<String, Stored> rows = new ConcurrentSkipListMap<>();
    private final int segments;
    private final Clock clock;

    /** One segment, on the system clock. */
    public InMemoryVersionedTarget() {
        this(1, Clock.systemUTC());
    }

    /**
     * @param segments how many segments {@link #readPage} splits the keys into, at least 1
     * @param clock when tombstones are applied, for {@link #purgeTombstones}
     */
    public InMemoryVersionedTarget(int segments, Clock clock) {
        if (segments < 1) {
            throw new IllegalArgumentException("segments must be >= 1 but was " + segments);
        }
        this.segments = segments;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) {
        List<ApplyOutcome> outcomes = new ArrayList<>(changes.size());
        for (Change given : changes) {
            Change c = stored(Objects.requireNonNull(given, "change"));
            ApplyOutcome[] outcome = new ApplyOutcome[1];
            // compute is atomic per key: the in-memory equivalent of one conditional write
            rows.compute(c.key(), (k, stored) -> {
                if (stored == null || stored.change().version() < c.version()) {
                    outcome[0] = ApplyOutcome.APPLIED;
                    return new Stored(c, clock.instant());
                }
                outcome[0] =
                        stored.change().version() == c.version() ? ApplyOutcome.DUPLICATE : ApplyOutcome.SUPERSEDED;
                return stored;
            });
            outcomes.add(outcome[0]);
        }
        return outcomes;
    }

    /**
     * Replaces the row when it is live at {@code expectedVersion} with the expected digest, in one
     * atomic step per key ({@link ConcurrentSkipListMap#compute}), like {@link #apply}.
     */
    @Override
    public ReplaceOutcome replaceIfUnchanged(long expectedVersion, String expectedDigest, Change row) {
        VersionedTarget.checkReplacement(expectedVersion, expectedDigest, row);
        ReplaceOutcome[] outcome = {ReplaceOutcome.CHANGED};
        rows.computeIfPresent(row.key(), (k, stored) -> {
            Change c = stored.change();
            if (c.isDelete()
                    || c.version() != expectedVersion
                    || !PayloadDigest.of(c).equals(expectedDigest)) {
                return stored;
            }
            outcome[0] = ReplaceOutcome.REPLACED;
            return new Stored(stored(row), clock.instant());
        });
        return outcome[0];
    }

    /** The change as kept: its payload an exact copy, so that what is read is what a store of JSON text gives. */
    private static Change stored(Change c) {
        JsonNode payload = c.payload();
        return payload == null ? c : Change.upsert(c.key(), c.version(), PayloadJson.exactCopy(payload));
    }

    @Override
    public Optional<Change> read(String key) {
        Stored s = rows.get(Objects.requireNonNull(key, "key"));
        return s == null ? Optional.empty() : Optional.of(s.change());
    }

    @Override
    public long purgeTombstones(Instant appliedBefore) {
        long purged = 0;
        for (Map.Entry<String, Stored> e : rows.entrySet()) {
            Stored s = e.getValue();
            if (s.change().isDelete() && s.appliedAt().isBefore(appliedBefore) && rows.remove(e.getKey(), s)) {
                purged++;
            }
        }
        return purged;
    }

    @Override
    public int segments() {
        return segments;
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) {
        if (segment < 0 || segment >= segments) {
            throw new IllegalArgumentException("segment must be 0 to " + (segments - 1) + " but was " + segment);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        Map<String, Stored> after = token == null ? rows : rows.tailMap(token, false);
        List<Change> page = new ArrayList<>();
        String last = null;
        for (Map.Entry<String, Stored> e : after.entrySet()) {
            if (segmentOf(e.getKey()) != segment) {
                continue;
            }
            page.add(e.getValue().change());
            last = e.getKey();
            if (page.size() == limit) {
                return new Page(page, last);
            }
        }
        return new Page(page, null);
    }

    /** {@code "string hash, <n> segments"}: a key's segment is its {@link String#hashCode()} modulo the count. */
    @Override
    public String layout() {
        return "string hash, " + segments + " segments";
    }

    private int segmentOf(String key) {
        return Math.floorMod(key.hashCode(), segments);
    }

    /** Every stored change, live and tombstones, in key order. */
    public List<Change> all() {
        return rows.values().stream().map(Stored::change).toList();
    }

    @Override
    public String describe() {
        return "in-memory target (" + rows.size() + " keys)";
    }
}
