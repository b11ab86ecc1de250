package dev.cutover.replication;

import java.util.Objects;

/**
 * What a {@link RowTransform} made of one source row: the change to apply, or a rejection with its
 * reason (counted and reported with the row's key, never silently dropped).
 *
 * <pre>{@code
 * RowTransform t = row -> row.payload() != null && row.payload().path("test").asBoolean()
 *     ? TransformResult.reject("test account")
 *     : TransformResult.accept(row.withKey(row.key().toLowerCase(Locale.ROOT)));
 * }</pre>
 *
 * @since 0.1.0
 */
public sealed interface TransformResult permits TransformResult.Accepted, TransformResult.Rejected {

    /** Apply {@code change} to the target. */
    static TransformResult accept(Change change) {
        return new Accepted(change);
    }

    /** Do not apply the row; {@code reason} is reported with its key. */
    static TransformResult reject(String reason) {
        return new Rejected(reason);
    }

    /**
     * The row mapped to a change for the target.
     *
     * @param change the change to apply: its key in the new key space, and a version comparable
     *     with the versions the live path writes (usually the source row's own)
     * @since 0.1.0
     */
    record Accepted(Change change) implements TransformResult {
        public Accepted {
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * The row rejected.
     *
     * @param reason why, for the report; not empty
     * @since 0.1.0
     */
    record Rejected(String reason) implements TransformResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            if (reason.isBlank()) {
                throw new IllegalArgumentException("a rejection needs a reason but was '" + reason + "'");
            }
        }
    }
}
