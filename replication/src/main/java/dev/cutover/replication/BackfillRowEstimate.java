package dev.cutover.replication;

import dev.cutover.replication.spi.SegmentedSource;
import java.util.OptionalLong;

/**
 * Implemented by a {@link SegmentedSource} that can estimate how many rows it holds (PostgreSQL's
 * {@code reltuples}, DynamoDB's {@code ItemCount}, a dump's line count), so that a backfill's
 * progress gives an ETA by rows rather than by segments. {@link BackfillBuilder#estimatedRows}
 * overrides it.
 *
 * <pre>{@code
 * final class OrdersSource implements SegmentedSource, BackfillRowEstimate {
 *   public OptionalLong estimatedRows() { return OptionalLong.of(countFromStatistics()); }
 *   ...
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public interface BackfillRowEstimate {
    /** Roughly how many rows the source holds, or empty when it cannot tell; asked once per run. */
    OptionalLong estimatedRows() throws Exception;
}
