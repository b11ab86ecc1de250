package dev.cutover.replication.internal.reconcile;

import dev.cutover.compare.Comparison;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.KeyReader;
import dev.cutover.replication.spi.SegmentedSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Everything a reconciler was configured with, each value validated by {@code Reconciler.Builder}. */
public record ReconcileSettings(
        SegmentedSource oldSide,
        SegmentedSource newSide,
        Function<Change, Optional<Change>> transform,
        Comparison comparison,
        int buckets,
        int pageSize,
        int maxRowsInMemory,
        int reportLimit,
        @Nullable KeyReader oldReader,
        @Nullable KeyReader newReader,
        Duration recheckAfter,
        Clock clock) {

    /** The bucket of a key in the new store's key space: a mix of its (specified) String hash. */
    int bucketOf(String key) {
        int h = key.hashCode() * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), buckets);
    }
}
