package dev.cutover.replication;

import dev.cutover.replication.internal.Keys;
import dev.cutover.replication.spi.SegmentedSource;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A row a {@link SegmentedSource} read but could not turn into a {@link Change}: a version that is
 * NULL, zero or negative, a key or payload that cannot be read, a line of a dump that is not JSON.
 * The source returns it in the {@link SegmentedSource.Page#rejected()} of the page it was read in,
 * so that whoever reads the page accounts for it: a backfill counts it as read and rejected and
 * lists it in its {@link BackfillResult}, and a reconciliation reports it ({@link
 * ReconciliationReport#rejected()}) and is not {@linkplain ReconciliationReport#clean() clean}
 * while any remains. A rejected row is never migrated, and never passes for migrated.
 *
 * <pre>{@code
 * Page page = source.readPage(segment, token, 500);
 * page.rejected().forEach(r -> log.warn("not migrated: {}", r));
 * }</pre>
 *
 * @param key the row's key as read, or null when none could be read (a line that is not JSON)
 * @param reason why, naming the column, field or line, never the row's data
 * @since 0.1.0
 */
public record SourceRejection(@Nullable String key, String reason) {
    public SourceRejection {
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code row "k": reason}, the key escaped, or the reason alone when there is no key. */
    @Override
    public String toString() {
        return key == null ? reason : "row " + Keys.escape(key) + ": " + reason;
    }
}
