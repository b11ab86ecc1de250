package dev.cutover.replication.internal.backfill;

import dev.cutover.replication.BackfillCollision;
import dev.cutover.replication.BackfillRejection;
import dev.cutover.replication.BackfillRejection.Step;
import dev.cutover.replication.Change;
import dev.cutover.replication.RowTransform;
import dev.cutover.replication.SourceRejection;
import dev.cutover.replication.TransformResult;
import dev.cutover.replication.internal.IdentityTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Turns a page of source rows into the changes to apply: the transform, then the key normalizer,
 * then the collision check of old key against new key; and accounts for the rows the source
 * rejected. A row that fails any step is reported,
 * counted and left out, never dropped silently. Thread-safe (the tracker is; the rest is
 * immutable).
 */
final class BackfillRowMapper {
    private final RowTransform transform;
    private final @Nullable UnaryOperator<String> normalizer;
    private final BackfillKeyTracker tracker;
    private final BackfillCounters counters;
    private final BackfillReports reports;

    BackfillRowMapper(BackfillSettings settings, BackfillCounters counters, BackfillReports reports) {
        this.transform = settings.transform();
        this.normalizer = settings.normalizer();
        // with keys copied unchanged, two old keys cannot become one: nothing to track
        boolean keysChange = settings.normalizer() != null || !(settings.transform() instanceof IdentityTransform);
        this.tracker = new BackfillKeyTracker(keysChange ? settings.collisionTracking() : 0);
        this.counters = counters;
        this.reports = reports;
    }

    List<Change> map(int segment, List<Change> rows) {
        List<Change> out = new ArrayList<>(rows.size());
        for (Change row : rows) {
            Change mapped = mapOne(segment, row);
            if (mapped != null) {
                out.add(mapped);
            }
        }
        return out;
    }

    private @Nullable Change mapOne(int segment, Change row) {
        TransformResult result;
        try {
            result = transform.apply(row);
        } catch (Exception e) {
            return reject(segment, row, "the transform threw " + e, Step.TRANSFORM);
        }
        if (result == null) {
            return reject(segment, row, "the transform returned null", Step.TRANSFORM);
        }
        if (result instanceof TransformResult.Rejected r) {
            return reject(segment, row, r.reason(), Step.TRANSFORM);
        }
        Change change = ((TransformResult.Accepted) result).change();
        if (normalizer != null) {
            String key;
            try {
                key = normalizer.apply(change.key());
            } catch (RuntimeException e) {
                return reject(segment, row, "the key normalizer threw " + e, Step.KEY_NORMALIZER);
            }
            if (key == null) {
                return reject(
                        segment,
                        row,
                        "the key normalizer returned null for '" + change.key() + "'",
                        Step.KEY_NORMALIZER);
            }
            try {
                change = change.withKey(key);
            } catch (IllegalArgumentException e) {
                return reject(segment, row, "the normalized key is not valid: " + e.getMessage(), Step.KEY_NORMALIZER);
            }
        }
        String first = tracker.otherOldKey(row.key(), change.key());
        if (first != null) {
            counters.collision();
            reports.collision(new BackfillCollision(change.key(), first, row.key(), segment));
            return null;
        }
        return change;
    }

    private @Nullable Change reject(int segment, Change row, String reason, Step step) {
        counters.rejected();
        reports.rejected(new BackfillRejection(row.key(), row.version(), segment, reason, step));
        return null;
    }

    /** Counts and reports the rows the source rejected in a page of {@code segment}: none is applied. */
    void sourceRejected(int segment, List<SourceRejection> rejected) {
        for (SourceRejection r : rejected) {
            counters.rejected();
            reports.rejected(BackfillRejection.ofSource(r, segment));
        }
    }

    boolean trackingSaturated() {
        return tracker.saturated();
    }
}
