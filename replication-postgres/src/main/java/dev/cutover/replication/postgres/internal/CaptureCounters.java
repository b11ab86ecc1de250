package dev.cutover.replication.postgres.internal;

import dev.cutover.replication.postgres.CaptureCounts;
import dev.cutover.replication.spi.ApplyOutcome;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/** The counts behind {@link CaptureCounts}; lock-free, written by the engine's handler thread. */
public final class CaptureCounters {
    private final AtomicLong captured = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong superseded = new AtomicLong();
    private final AtomicLong duplicate = new AtomicLong();
    private final AtomicLong applyFailures = new AtomicLong();
    private final AtomicLong truncates = new AtomicLong();
    private final AtomicReference<@Nullable Instant> lastCommitTime = new AtomicReference<>();

    void captured(int n) {
        captured.addAndGet(n);
    }

    void outcomes(List<ApplyOutcome> outcomes) {
        for (ApplyOutcome outcome : outcomes) {
            switch (outcome) {
                case APPLIED -> applied.incrementAndGet();
                case SUPERSEDED -> superseded.incrementAndGet();
                case DUPLICATE -> duplicate.incrementAndGet();
            }
        }
    }

    void applyFailed() {
        applyFailures.incrementAndGet();
    }

    void truncated() {
        truncates.incrementAndGet();
    }

    void committedAt(Instant commitTime) {
        lastCommitTime.set(commitTime);
    }

    /** TRUNCATEs seen and not mirrored. */
    public long truncates() {
        return truncates.get();
    }

    /** A snapshot, with the offsets saved so far from {@code saves}. */
    public CaptureCounts snapshot(LongSupplier saves) {
        return new CaptureCounts(
                captured.get(),
                applied.get(),
                superseded.get(),
                duplicate.get(),
                applyFailures.get(),
                truncates.get(),
                saves.getAsLong(),
                lastCommitTime.get());
    }
}
