package dev.cutover.replication;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A source row the backfill did not apply: the source could not read it (a version NULL or below
 * 1, a key or payload that cannot be read, a line that is not JSON: see {@link SourceRejection}),
 * or the transform or the key normalizer rejected it. Counted in {@link BackfillCounts#rejected()}
 * (and in {@link BackfillCounts#read()}), logged at WARN with its key, given to {@link
 * BackfillListener#onRejected} and kept in {@link BackfillResult#rejections()}.
 *
 * <pre>{@code
 * result.rejections().forEach(r -> audit.add(r.step(), r.key(), r.reason()));
 * }</pre>
 *
 * @param key the row's key in the source, or null when the source could not read one (a line of a
 *     dump that is not JSON; the reason then names the line)
 * @param version the row's version in the source, 0 when the source rejected the row
 * @param segment the source segment it was read from
 * @param reason why, in words (the source's or the transform's reason, or the exception thrown)
 * @param step which step rejected the row
 * @since 0.1.0
 */
public record BackfillRejection(@Nullable String key, long version, int segment, String reason, Step step) {

    /**
     * Which step of the backfill rejected a row.
     *
     * @since 0.1.0
     */
    public enum Step {
        /** The source could not make a change of the row: it was never migrated, fix the row. */
        SOURCE,
        /** The {@link RowTransform} rejected the row, returned null or threw. */
        TRANSFORM,
        /** The key normalizer threw, returned null or made an invalid key. */
        KEY_NORMALIZER
    }

    public BackfillRejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(step, "step");
    }

    /** A row the source rejected, read from {@code segment}. */
    public static BackfillRejection ofSource(SourceRejection rejection, int segment) {
        return new BackfillRejection(rejection.key(), 0, segment, rejection.reason(), Step.SOURCE);
    }
}
