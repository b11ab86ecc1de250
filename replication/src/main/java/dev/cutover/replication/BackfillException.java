package dev.cutover.replication;

import dev.cutover.replication.spi.SegmentedSource;
import java.util.Objects;

/**
 * Thrown by {@link Backfill#run()} when a call to the source, the target or the checkpoint store
 * failed (or the transform threw an {@link Error}). The other workers finished their page and
 * released their claims; every checkpoint saved is kept, so running the backfill again resumes
 * where it stopped, at most two pages per worker before the failure (the page being applied and
 * the one read ahead).
 *
 * <p>Also thrown before anything is copied when the checkpoint store refuses the source: its
 * {@link SegmentedSource#layout()} or segment count is not the one the checkpoints were written
 * under. The message then starts {@code "backfill '<name>' cannot start"}, names both layouts and
 * what to do, and the cause is the store's {@link IllegalStateException}; running again with the
 * same source fails the same way.
 *
 * <pre>{@code
 * try {
 *   backfill.run();
 * } catch (BackfillException e) {
 *   log.error("backfill stopped after {} rows", e.result().counts().read(), e);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class BackfillException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The run's result; never serialized. */
    private final transient BackfillResult result;

    /** A failure with the run's partial result and the first error met. */
    public BackfillException(String message, BackfillResult result, Throwable cause) {
        super(message, cause);
        this.result = Objects.requireNonNull(result, "result");
    }

    /** What the run did before it failed, with status {@link BackfillResult.Status#FAILED}. */
    public BackfillResult result() {
        return result;
    }
}
