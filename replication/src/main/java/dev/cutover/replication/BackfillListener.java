package dev.cutover.replication;

/**
 * Hears what a backfill does, for a status page, an audit trail or a test. Every method has an
 * empty default; implement the ones you need.
 *
 * <pre>{@code
 * Backfill.from(source).to(target)
 *     .listener(new BackfillListener() {
 *       @Override public void onProgress(BackfillProgress p) { gauge.set(p.counts().read()); }
 *       @Override public void onRejected(BackfillRejection r) { audit.rejected(r.key(), r.reason()); }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Called from the backfill's worker threads, possibly concurrently, while a page waits: keep it
 * thread-safe and quick. An exception it throws is logged and otherwise ignored.
 *
 * @since 0.1.0
 */
public interface BackfillListener {

    /** After each page was applied and its checkpoint saved. */
    default void onProgress(BackfillProgress progress) {}

    /**
     * A row was rejected by the source (it could not be read), the transform or the key
     * normalizer ({@link BackfillRejection#step()}); it was not applied.
     */
    default void onRejected(BackfillRejection rejection) {}

    /** A row's new key is already the new key of another old key; it was not applied. */
    default void onCollision(BackfillCollision collision) {}

    /** This process copied {@code segment} to its end; {@code rows} rows were read from it in all. */
    default void onSegmentDone(int segment, long rows) {}

    /**
     * This process stopped copying {@code segment}: its lease expired and another process may have
     * taken it over (its checkpoint save was refused). The segment is not lost: its current owner,
     * or this process later, continues it.
     */
    default void onLeaseLost(int segment) {}

    /** The run ended, in any way. */
    default void onFinished(BackfillResult result) {}
}
