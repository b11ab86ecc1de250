package dev.cutover.flags.internal;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.spi.FlagStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the store has been answering: last success, last error, failures in a row; and the
 * {@link ClientStatus} derived from that and the snapshots being served.
 *
 * <p><b>Concurrency design.</b> {@link #succeeded} and {@link #failed} are called by the refresher
 * thread only; the fields are volatile so {@link #status} and {@link #age} may read them from any
 * thread. The refresher calls {@link #succeeded} under its write lock together with an install,
 * and {@link SnapshotRefresher#status()} reads under that lock, so a status never pairs new data
 * with an old failure.
 */
final class StoreHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

    private final ClientConfig config;
    private final Clock clock;
    private volatile @Nullable Instant lastSuccess;
    private volatile @Nullable String lastError;
    private volatile int consecutiveFailures;

    StoreHealth(ClientConfig config) {
        this.config = config;
        this.clock = config.clock();
    }

    /** Failed refresh cycles since the last success. */
    int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** The last store error message, null after a success. */
    @Nullable
    String lastError() {
        return lastError;
    }

    /** Records an answer from the store to a call made at {@code asked}. */
    void succeeded(Instant asked) {
        Instant last = lastSuccess;
        lastSuccess = last != null && last.isAfter(asked) ? last : asked;
        if (consecutiveFailures > 0) {
            LOG.info("Flag store {} is reachable again", config.store().describe());
        }
        consecutiveFailures = 0;
        lastError = null;
    }

    /** Records a failed cycle; {@code haveData} says what is served meanwhile, for the log. */
    void failed(Exception e, boolean haveData) {
        consecutiveFailures++;
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        // a store's own FlagStoreException says what to fix in its message; the class name adds nothing
        lastError = cause instanceof FlagStoreException && cause.getMessage() != null
                ? cause.getMessage()
                : cause.toString();
        String store = config.store().describe();
        if (consecutiveFailures == 1) {
            LOG.warn(
                    "Flag store {} refresh failed; serving {}: {}",
                    store,
                    haveData ? "the last good snapshot" : "code defaults",
                    lastError);
        } else {
            LOG.debug("Flag store {} refresh failed again ({} in a row): {}", store, consecutiveFailures, lastError);
        }
    }

    /** The status for the snapshot served and the last good one; the caller holds the write lock. */
    ClientStatus status(Snapshot serving, Snapshot good, boolean closed, boolean starting) {
        ClientStatus.State state;
        if (closed) {
            state = ClientStatus.State.CLOSED;
        } else if (!serving.hasData()) {
            state = starting && good == serving ? ClientStatus.State.STARTING : ClientStatus.State.FAILED;
        } else if (serving.source() == ClientStatus.Source.BACKUP_FILE
                || consecutiveFailures > 0
                || age(serving).compareTo(config.maxStaleness() != null ? config.maxStaleness() : config.staleAfter())
                        > 0) {
            state = ClientStatus.State.STALE;
        } else {
            state = ClientStatus.State.READY;
        }
        return new ClientStatus(
                state,
                serving.hasData() ? serving.source() : ClientStatus.Source.DEFAULTS,
                serving.hasData() ? serving.revision() : 0,
                lastSuccess,
                good.hasData() ? age(good) : Duration.ZERO,
                serving.flags().size(),
                good.rejected(),
                lastError);
    }

    /** Time since the store last confirmed {@code s} (or since its data was written). */
    Duration age(Snapshot s) {
        Instant since = s.dataTime();
        Instant success = lastSuccess;
        if (s.source() == ClientStatus.Source.STORE && success != null && success.isAfter(since)) {
            since = success;
        }
        Duration d = Duration.between(since, clock.instant());
        return d.isNegative() ? Duration.ZERO : d;
    }
}
