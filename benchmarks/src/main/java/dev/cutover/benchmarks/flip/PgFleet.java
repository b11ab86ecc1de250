package dev.cutover.benchmarks.flip;

import dev.cutover.benchmarks.flip.CountingDataSource.Counts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The instances of one set on PostgreSQL, each counted by its own {@link CountingDataSource}: what
 * {@link JdbcFleet} (a data source per instance) and {@link ProcessFleet} (a pool per process)
 * share. An instance pushes once its data source has executed {@code LISTEN}.
 */
abstract class PgFleet extends Fleet<Counts> {

    /** Instance {@code i}'s counting data source at index {@code i}. */
    final List<CountingDataSource> dataSources = new ArrayList<>();

    PgFleet(Mode mode, Duration pollInterval) {
        super(mode, pollInterval);
    }

    @Override
    boolean pushing(int i) {
        return dataSources.get(i).listens() > 0;
    }

    @Override
    String notPushing() {
        return "have no LISTEN connection";
    }

    /** The hint each LISTEN connection sends once connected triggers one more head check: let it pass. */
    @Override
    void afterReady() {
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }

    @Override
    Counts counts(int i) {
        return dataSources.get(i).counts();
    }
}
