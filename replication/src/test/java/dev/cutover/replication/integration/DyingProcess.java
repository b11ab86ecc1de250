package dev.cutover.replication.integration;

import dev.cutover.replication.Change;
import dev.cutover.replication.ForwardingTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One backfill process, in-process, that dies at its {@code killAt}-th call with an effect (a
 * segment claim, a checkpoint save or done mark, an apply to the target), before that call takes
 * effect or right after it (the effect happened, the process never learned it). From then on every
 * call of its source, target and checkpoint store throws {@link Killed}, so it does nothing more,
 * as after {@code kill -9}; the stores behind it are real and keep what it did.
 *
 * <p>Concurrency: the call counter is atomic and the death a volatile flag, so exactly one call
 * (on whichever worker thread) is the kill point and every later call sees the process dead.
 */
final class DyingProcess {
    /** Never dies. */
    static final int NEVER = 0;

    /** What every call of a dead process throws. */
    static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Killed(String message) {
            super(message, null, false, false);
        }
    }

    private final int killAt;
    private final boolean afterEffect;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean dead;

    DyingProcess(int killAt, boolean afterEffect) {
        this.killAt = killAt;
        this.afterEffect = afterEffect;
    }

    /** Whether the process was killed. */
    boolean killed() {
        return dead;
    }

    private void checkAlive() {
        if (dead) {
            throw new Killed("the process was killed before");
        }
    }

    private <T> T effect(Callable<T> call) throws Exception {
        checkAlive();
        boolean kill = calls.incrementAndGet() == killAt;
        if (kill) {
            dead = true;
            if (!afterEffect) {
                throw new Killed("killed at call " + killAt + ", before its effect");
            }
        }
        T result = call.call();
        if (kill) {
            throw new Killed("killed at call " + killAt + ", after its effect");
        }
        return result;
    }

    /** {@code source} read by this process; {@code afterPage} runs after each page read (live writes meanwhile). */
    SegmentedSource source(SegmentedSource source, Runnable afterPage) {
        return new SegmentedSource() {
            @Override
            public int segments() {
                return source.segments();
            }

            @Override
            public String layout() {
                return source.layout();
            }

            @Override
            public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
                checkAlive();
                Page page = source.readPage(segment, token, limit);
                afterPage.run();
                return page;
            }

            @Override
            public String describe() {
                return source.describe();
            }
        };
    }

    /** {@code target} written by this process; only {@link VersionedTarget#apply} is used by a backfill. */
    VersionedTarget target(VersionedTarget target) {
        return new ForwardingTarget(target) {
            @Override
            public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
                return effect(() -> super.apply(changes));
            }

            @Override
            public Optional<Change> read(String key) throws Exception {
                checkAlive();
                return super.read(key);
            }

            @Override
            public long purgeTombstones(Instant appliedBefore) {
                throw new UnsupportedOperationException("a backfill never purges");
            }

            @Override
            public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
                checkAlive();
                return super.readPage(segment, token, limit);
            }
        };
    }

    /** {@code store} used by this process. */
    CheckpointStore checkpoints(CheckpointStore store) {
        return new CheckpointStore() {
            @Override
            public void prepare(int segments, String layout) throws Exception {
                checkAlive();
                store.prepare(segments, layout);
            }

            @Override
            public Optional<String> layout() throws Exception {
                checkAlive();
                return store.layout();
            }

            @Override
            public List<Integer> claimable(String owner, int limit) throws Exception {
                checkAlive();
                return store.claimable(owner, limit);
            }

            @Override
            public Optional<CheckpointClaim> claim(int segment, String owner, Duration lease) throws Exception {
                return effect(() -> store.claim(segment, owner, lease));
            }

            @Override
            public boolean save(CheckpointClaim claim, String token, long rows, Duration lease) throws Exception {
                return effect(() -> store.save(claim, token, rows, lease));
            }

            @Override
            public boolean markDone(CheckpointClaim claim, long rows) throws Exception {
                return effect(() -> store.markDone(claim, rows));
            }

            @Override
            public void release(CheckpointClaim claim) throws Exception {
                checkAlive();
                store.release(claim);
            }

            @Override
            public List<Checkpoint> checkpoints() throws Exception {
                checkAlive();
                return store.checkpoints();
            }

            @Override
            public String describe() {
                return store.describe();
            }
        };
    }
}
