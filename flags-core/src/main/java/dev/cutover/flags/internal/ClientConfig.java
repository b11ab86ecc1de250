package dev.cutover.flags.internal;

import dev.cutover.flags.StalenessPolicy;
import dev.cutover.flags.spi.FlagStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Validated client settings, built by {@link dev.cutover.flags.FlagClient.Builder}. */
public record ClientConfig(
        FlagStore store,
        Duration pollInterval,
        double pollJitter,
        Duration startupTimeout,
        @Nullable Path backupFile,
        @Nullable Duration maxStaleness,
        StalenessPolicy stalenessPolicy,
        Duration storeTimeout,
        int storeAttempts,
        Duration retryBackoff,
        Clock clock) {

    /** After this long without confirmation from the store, a store snapshot counts as stale. */
    Duration staleAfter() {
        return pollInterval.multipliedBy(2).plus(storeTimeout.multipliedBy(storeAttempts));
    }
}
