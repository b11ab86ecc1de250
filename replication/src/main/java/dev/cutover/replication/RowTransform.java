package dev.cutover.replication;

import dev.cutover.replication.internal.IdentityTransform;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Maps a row of the old store, as a {@link Change} read with its version, to the change the new
 * store gets, or rejects it with a reason: the backfill's hook for a new schema, new keys, or rows
 * that must not be copied. Upserts may become deletes (a soft-deleted row) and keys may change;
 * key normalization has its own step ({@link BackfillBuilder#normalizeKeys}) after this one, and
 * every old key to new key mapping is checked for collisions.
 *
 * <pre>{@code
 * RowTransform toV2 = row -> row.isDelete()
 *     ? TransformResult.accept(row)
 *     : TransformResult.accept(Change.upsert(row.key(), row.version(), OrderV2.from(row.payload())));
 * }</pre>
 *
 * <p>Called from the backfill's worker threads, possibly concurrently: keep it thread-safe and
 * free of side effects (a segment may be read again after a crash). An exception it throws
 * rejects the row, naming the exception; an {@link Error} fails the run.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RowTransform {

    /** What to apply for {@code row}, or why not. */
    TransformResult apply(Change row) throws Exception;

    /** Copies rows unchanged. */
    static RowTransform identity() {
        return IdentityTransform.INSTANCE;
    }

    /**
     * A transform from a function: its empty result rejects the row with the reason {@code "the
     * transform returned no change"}.
     */
    static RowTransform of(Function<Change, Optional<Change>> function) {
        Objects.requireNonNull(function, "function");
        return row -> {
            Optional<Change> out = Objects.requireNonNull(function.apply(row), "the transform returned null");
            return out.<TransformResult>map(TransformResult::accept)
                    .orElseGet(() -> TransformResult.reject("the transform returned no change"));
        };
    }
}
