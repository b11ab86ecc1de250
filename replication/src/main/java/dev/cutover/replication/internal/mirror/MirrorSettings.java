package dev.cutover.replication.internal.mirror;

import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.replication.Change;
import dev.cutover.replication.MirrorFailure;
import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Everything a mirror was configured with, each value already validated by {@code MirrorBuilder}.
 *
 * @param <E> the application's event type
 */
public record MirrorSettings<E>(
        String name,
        VersionedTarget target,
        Function<? super E, List<Change>> mapping,
        BooleanSupplier gate,
        String gateDescription,
        ChangeQueue queue,
        Duration maxBlock,
        int workers,
        int batchSize,
        Duration linger,
        int retryAttempts,
        Duration retryBackoff,
        @Nullable Consumer<MirrorFailure> failureListener,
        FailedWriteJournal journal,
        boolean journalDefaulted,
        int pendingKeysBound,
        Duration runHeartbeat,
        Clock clock) {}
