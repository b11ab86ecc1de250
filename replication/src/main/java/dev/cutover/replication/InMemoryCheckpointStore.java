package dev.cutover.replication;

import dev.cutover.replication.internal.SegmentLayouts;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CheckpointStore} in memory: for a backfill run by one process that need not survive a
 * restart, and for tests (with a {@link Clock} the test moves, leases expire on demand). The
 * default of {@link BackfillBuilder#checkpoints}.
 *
 * <pre>{@code
 * InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
 * Backfill.from(source).to(target).checkpoints(checkpoints).build().run();
 * }</pre>
 *
 * <p>Every method is {@code synchronized}: a claim, a save and a done mark are each one atomic step
 * against the segment's state, which is what the conditional writes of a shared store do.
 *
 * @since 0.1.0
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private record State(
            @Nullable String owner,
            @Nullable String claimId,
            Instant leaseUntil,
            @Nullable String token,
            long rows,
            boolean done) {}

    private final Clock clock;
    private final List<State> segments = new ArrayList<>();
    /** The layout of the first prepare; null before. */
    private @Nullable String layout;

    /** A store on the system clock. */
    public InMemoryCheckpointStore() {
        this(Clock.systemUTC());
    }

    /** A store that judges leases by {@code clock}. */
    public InMemoryCheckpointStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void prepare(int segments, String layout) {
        if (segments < 1) {
            throw new IllegalArgumentException("segments must be >= 1 but was " + segments);
        }
        SegmentLayouts.check(layout);
        String recorded = this.layout;
        if (recorded != null && (this.segments.size() != segments || !recorded.equals(layout))) {
            throw SegmentLayouts.mismatch(
                    "the in-memory checkpoint store", this.segments.size(), recorded, segments, layout);
        }
        this.layout = layout;
        while (this.segments.size() < segments) {
            this.segments.add(new State(null, null, Instant.EPOCH, null, 0, false));
        }
    }

    @Override
    public synchronized Optional<String> layout() {
        return Optional.ofNullable(layout);
    }

    @Override
    public synchronized List<Integer> claimable(String owner, int limit) {
        Objects.requireNonNull(owner, "owner");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        Instant now = clock.instant();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < segments.size() && out.size() < limit; i++) {
            if (claimableBy(segments.get(i), owner, now)) {
                out.add(i);
            }
        }
        return out;
    }

    private static boolean claimableBy(State s, String owner, Instant now) {
        return !s.done()
                && (s.owner() == null
                        || !s.leaseUntil().isAfter(now)
                        || s.owner().equals(owner));
    }

    @Override
    public synchronized Optional<CheckpointClaim> claim(int segment, String owner, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        State s = state(segment);
        Instant now = clock.instant();
        if (!claimableBy(s, owner, now)) {
            return Optional.empty();
        }
        String claimId = UUID.randomUUID().toString();
        segments.set(segment, new State(owner, claimId, now.plus(lease), s.token(), s.rows(), false));
        return Optional.of(new CheckpointClaim(segment, owner, claimId, s.token(), s.rows()));
    }

    @Override
    public synchronized boolean save(CheckpointClaim claim, String token, long rows, Duration lease) {
        Objects.requireNonNull(token, "token");
        State s = state(claim.segment());
        Instant now = clock.instant();
        if (!current(s, claim, now)) {
            return false;
        }
        segments.set(claim.segment(), new State(s.owner(), s.claimId(), now.plus(lease), token, rows, false));
        return true;
    }

    @Override
    public synchronized boolean markDone(CheckpointClaim claim, long rows) {
        State s = state(claim.segment());
        if (!current(s, claim, clock.instant())) {
            return false;
        }
        segments.set(claim.segment(), new State(s.owner(), s.claimId(), Instant.EPOCH, s.token(), rows, true));
        return true;
    }

    @Override
    public synchronized void release(CheckpointClaim claim) {
        State s = state(claim.segment());
        if (!s.done() && claim.claimId().equals(s.claimId())) {
            segments.set(claim.segment(), new State(s.owner(), s.claimId(), Instant.EPOCH, s.token(), s.rows(), false));
        }
    }

    private static boolean current(State s, CheckpointClaim claim, Instant now) {
        return !s.done()
                && claim.claimId().equals(s.claimId())
                && s.leaseUntil().isAfter(now);
    }

    @Override
    public synchronized List<Checkpoint> checkpoints() {
        List<Checkpoint> out = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            State s = segments.get(i);
            out.add(new Checkpoint(i, s.owner(), s.leaseUntil(), s.token(), s.rows(), s.done()));
        }
        return out;
    }

    private State state(int segment) {
        if (segment < 0 || segment >= segments.size()) {
            throw new IllegalArgumentException(
                    "segment must be 0 to " + (segments.size() - 1) + " (after prepare) but was " + segment);
        }
        return segments.get(segment);
    }

    @Override
    public String describe() {
        return "in-memory checkpoints";
    }
}
