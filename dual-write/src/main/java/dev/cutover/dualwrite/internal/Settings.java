package dev.cutover.dualwrite.internal;

import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.MigrationListener;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.WriteHandoff;
import dev.cutover.flags.FlagClient;
import dev.cutover.journal.FailedWriteJournal;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@code DualWrite.Builder} collected, already validated setting by setting. Not API.
 *
 * @param repository the repository interface
 * @param oldStore the old implementation
 * @param newStore the new implementation
 * @param flags the client the stage flag is read from
 * @param flagKey the stage flag's key
 * @param reads method names forced to reads
 * @param writes method names forced to writes
 * @param keyFunctions per method name, how to get the entity key from the arguments
 * @param defaultStage served when the flag is missing, not loaded, or holds an unknown value
 * @param executor the user's executor for shadow work, or null to own one
 * @param shadowThreads threads of the owned executor; lanes are four times as many
 * @param shadowQueue how many shadow tasks may wait before new ones are shed
 * @param shadowTimeout the per-call budget, from the caller's call to the end of the shadow call
 * @param circuitBreaker the shadow stores' breaker settings, or null for the defaults
 * @param journal where missed shadow writes go
 * @param journalDefaulted whether the journal is the in-memory default (a WARN at build)
 * @param pendingKeysBound how many keys may wait in memory for the journal
 * @param runHeartbeat how often the run record is renewed
 * @param comparison how reads are compared
 * @param listener told about reports and failed shadow writes
 * @param handoff turns the caller's arguments into the shadow write's
 */
public record Settings(
        Class<?> repository,
        Object oldStore,
        Object newStore,
        FlagClient flags,
        String flagKey,
        Set<String> reads,
        Set<String> writes,
        Map<String, Function<Object[], @Nullable String>> keyFunctions,
        Stage defaultStage,
        @Nullable Executor executor,
        int shadowThreads,
        int shadowQueue,
        Duration shadowTimeout,
        @Nullable CircuitBreakerConfig circuitBreaker,
        FailedWriteJournal journal,
        boolean journalDefaulted,
        int pendingKeysBound,
        Duration runHeartbeat,
        Comparison comparison,
        MigrationListener listener,
        WriteHandoff handoff) {

    /** Copies the collections. */
    public Settings {
        reads = Set.copyOf(reads);
        writes = Set.copyOf(writes);
        keyFunctions = Map.copyOf(keyFunctions);
    }

    /** The repository's simple name, as reports and journal entries name it. */
    public String repositoryName() {
        return repository.getSimpleName();
    }
}
