package dev.cutover.replication.backfill;

import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A checkpoint store of one simulated process, killed by its {@link CrashSwitch}; counts done marks per segment. */
final class CrashingCheckpointStore implements CheckpointStore {
    private final CheckpointStore delegate;
    private final CrashSwitch crash;
    private final ConcurrentHashMap<Integer, AtomicInteger> doneMarks;

    CrashingCheckpointStore(
            CheckpointStore delegate, CrashSwitch crash, ConcurrentHashMap<Integer, AtomicInteger> doneMarks) {
        this.delegate = delegate;
        this.crash = crash;
        this.doneMarks = doneMarks;
    }

    @Override
    public void prepare(int segments, String layout) throws Exception {
        crash.checkAlive();
        delegate.prepare(segments, layout);
    }

    @Override
    public Optional<String> layout() throws Exception {
        crash.checkAlive();
        return delegate.layout();
    }

    @Override
    public List<Integer> claimable(String owner, int limit) throws Exception {
        crash.checkAlive();
        return delegate.claimable(owner, limit);
    }

    @Override
    public Optional<CheckpointClaim> claim(int segment, String owner, Duration lease) throws Exception {
        boolean after = crash.beforeEffect();
        Optional<CheckpointClaim> claim = delegate.claim(segment, owner, lease);
        if (after) {
            throw crash.crash();
        }
        return claim;
    }

    @Override
    public boolean save(CheckpointClaim claim, String token, long rows, Duration lease) throws Exception {
        boolean after = crash.beforeEffect();
        boolean saved = delegate.save(claim, token, rows, lease);
        if (after) {
            throw crash.crash();
        }
        return saved;
    }

    @Override
    public boolean markDone(CheckpointClaim claim, long rows) throws Exception {
        boolean after = crash.beforeEffect();
        boolean done = delegate.markDone(claim, rows);
        if (done) {
            doneMarks.computeIfAbsent(claim.segment(), s -> new AtomicInteger()).incrementAndGet();
        }
        if (after) {
            throw crash.crash();
        }
        return done;
    }

    @Override
    public void release(CheckpointClaim claim) throws Exception {
        crash.checkAlive();
        delegate.release(claim);
    }

    @Override
    public List<Checkpoint> checkpoints() throws Exception {
        crash.checkAlive();
        return delegate.checkpoints();
    }

    @Override
    public String describe() {
        return "crashing " + delegate.describe();
    }
}
