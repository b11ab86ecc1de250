package dev.cutover.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatistics;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.testkit.Eventually;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's readiness, as the OpenFeature specification describes it, observed through an
 * isolated OpenFeature API over a real {@link FlagClient}, a real {@link InMemoryFlagStore} behind a
 * {@link SwitchableStore}, and a real backup file.
 *
 * <p>Requirement numbers are those of the OpenFeature specification at the revision SDK 1.22.0
 * implements, where the SDK derives the status from {@code initialize} terminating (1.7.3 to 1.7.5)
 * and from emitted events afterwards.
 */
class CutoverProviderLifecycleTest {
    private static final Duration WAIT = ReceivedEvents.WAIT;
    private static final Duration LONG_INIT = Duration.ofSeconds(60);
    private static final AuditInfo AUDIT = new AuditInfo("test", "lifecycle");

    private final InMemoryFlagStore backing = new InMemoryFlagStore();
    private final SwitchableStore store = new SwitchableStore(backing);
    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private final ReceivedEvents events = new ReceivedEvents();
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private final List<FlagClient> clients = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        background.shutdownNow();
        api.shutdown();
        clients.forEach(FlagClient::close);
    }

    /** A client that polls every 50 ms without retries, waiting {@code startup} for its first load. */
    private FlagClient client(Duration startup, Path backup) {
        FlagClient.Builder b = FlagClient.builder(store)
                .pollInterval(Duration.ofMillis(50))
                .storeRetry(1, Duration.ofMillis(10))
                .startupTimeout(startup);
        if (backup != null) {
            b.backupFile(backup);
        }
        FlagClient c = b.build();
        clients.add(c);
        return c;
    }

    private FlagClient client(Duration startup) {
        return client(startup, null);
    }

    /** A client over a store that is down, with no backup: it serves code defaults and keeps polling. */
    private FlagClient clientWithoutData() {
        store.down();
        FlagClient c = client(Duration.ZERO);
        assertThat(c.status().hasData()).isFalse();
        return c;
    }

    private Client listeningClient() {
        return events.listen(api.getClient());
    }

    private void awaitEvent(ProviderEvent event, String what, Predicate<EventDetails> condition) {
        events.await(event, what, condition);
    }

    /** Waits until the client has polled the unreachable store {@code more} more times. */
    private void awaitFailedPolls(int more) {
        int target = store.failedCalls() + more;
        Eventually.within(WAIT, more + " more failed polls", () -> store.failedCalls() >= target);
    }

    private Future<?> setProviderAndWaitInBackground(CutoverProvider provider) {
        return background.submit(() -> api.setProviderAndWait(provider));
    }

    private static OpenFeatureError failureOf(Future<?> future) throws InterruptedException {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(OpenFeatureError.class);
            return (OpenFeatureError) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("initialize still waits 5 s later", e);
        }
        throw new AssertionError("initialize returned normally");
    }

    @Test
    @DisplayName("Requirements 1.7.1 and 1.7.6: NOT_READY, evaluations short-circuited with PROVIDER_NOT_READY, "
            + "while initialize waits for the client's first load; 1.7.3: READY once the store answers")
    void notReadyWhileInitializeWaitsThenReadyOnceTheStoreAnswers() {
        FlagClient flags = clientWithoutData();
        Client client = listeningClient();
        api.setProvider(CutoverProvider.builder(flags)
                .owning(true)
                .initializationTimeout(LONG_INIT)
                .build());

        awaitFailedPolls(3); // the client keeps polling the store while initialize waits
        assertThat(client.getProviderState()).isEqualTo(ProviderState.NOT_READY);
        FlagEvaluationDetails<Boolean> meanwhile = client.getBooleanDetails("checkout", false);
        assertThat(meanwhile.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_NOT_READY);
        assertThat(meanwhile.getValue()).isFalse();
        assertThat(events.all()).as("no READY or ERROR while waiting").isEmpty();

        backing.put(Flag.booleanFlag("checkout", true), 0, AUDIT);
        store.up();
        awaitEvent(ProviderEvent.PROVIDER_READY, "PROVIDER_READY when initialize returns", d -> true);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        assertThat(client.getBooleanValue("checkout", false)).isTrue();
        assertThat(events.all()).noneMatch(r -> r.event() == ProviderEvent.PROVIDER_ERROR);
    }

    @Test
    @DisplayName("Requirement 1.1.2.4: setProviderAndWait returns once initialize has waited for the first load,"
            + " with the provider READY")
    void setProviderAndWaitReturnsOnceReady() {
        FlagClient flags = clientWithoutData();
        Client client = listeningClient();
        CompletableFuture<Void> storeComesBack = CompletableFuture.runAsync(() -> {
            awaitFailedPolls(3);
            backing.put(Flag.stringFlag("banner", "spring"), 0, AUDIT);
            store.up();
        });

        long start = System.nanoTime();
        api.setProviderAndWait(
                CutoverProvider.builder(flags).initializationTimeout(LONG_INIT).build());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(storeComesBack).isDone();
        assertThat(flags.status().hasData()).isTrue();
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        assertThat(client.getStringValue("banner", "default")).isEqualTo("spring");
        assertThat(took).isLessThan(WAIT);
    }

    @Test
    @DisplayName("Requirements 2.4.2.1, 1.7.4 and 5.3.2: no data within initializationTimeout fails initialize with"
            + " PROVIDER_NOT_READY (ERROR); 5.1.1: PROVIDER_READY, and READY, once data arrives")
    void errorAfterTheTimeoutThenReadyOnProviderReady() {
        FlagClient flags = clientWithoutData();
        Client client = listeningClient();
        CutoverProvider provider = CutoverProvider.builder(flags)
                .owning(true)
                .initializationTimeout(Duration.ofMillis(300))
                .build();

        long start = System.nanoTime();
        assertThatThrownBy(() -> api.setProviderAndWait(provider))
                .isInstanceOfSatisfying(
                        OpenFeatureError.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_NOT_READY))
                .hasMessageContaining("after waiting PT0.3S")
                .hasMessageContaining("store is down");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        awaitEvent(
                ProviderEvent.PROVIDER_ERROR,
                "PROVIDER_ERROR from initialize",
                d -> d.getMessage().contains("after waiting PT0.3S"));
        assertThat(client.getProviderState()).isEqualTo(ProviderState.ERROR);

        backing.put(Flag.booleanFlag("checkout", true), 0, AUDIT);
        store.up();
        awaitEvent(ProviderEvent.PROVIDER_READY, "PROVIDER_READY after the first load", d -> true);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        assertThat(client.getBooleanValue("checkout", false)).isTrue();
    }

    @Test
    @DisplayName("Requirements 2.4.2.1 and 1.7.3: a client serving its backup file is ready at once,"
            + " without waiting for the unreachable store")
    void aClientServingItsBackupIsReadyAtOnce() throws Exception {
        Path backup = dir.resolve("flags-backup.json");
        backing.put(Flag.booleanFlag("checkout", true), 0, AUDIT);
        FlagClient first = client(Duration.ofSeconds(10), backup);
        Eventually.within(WAIT, "the backup file written", () -> Files.exists(backup));
        first.close();

        store.down();
        FlagClient flags = client(Duration.ZERO, backup);
        assertThat(flags.status().source()).isEqualTo(ClientStatus.Source.BACKUP_FILE);
        Client client = listeningClient();
        long start = System.nanoTime();
        api.setProviderAndWait(
                CutoverProvider.builder(flags).initializationTimeout(LONG_INIT).build());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(client.getProviderState()).isIn(ProviderState.READY, ProviderState.STALE);
        assertThat(client.getBooleanValue("checkout", false)).isTrue();
        awaitEvent(ProviderEvent.PROVIDER_STALE, "PROVIDER_STALE: serving the backup", d -> true);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.STALE);
    }

    @Test
    @DisplayName("Requirements 2.4.2.1, 1.7.5 and 1.7.7: a closed client makes initialize fail with PROVIDER_FATAL;"
            + " the provider is FATAL and evaluations short-circuit")
    void aClosedClientIsFatalAtInitialize() {
        backing.put(Flag.booleanFlag("checkout", true), 0, AUDIT);
        FlagClient flags = client(Duration.ofSeconds(10));
        flags.close();
        Client client = listeningClient();
        CutoverProvider provider = CutoverProvider.of(flags);

        assertThatThrownBy(() -> api.setProviderAndWait(provider))
                .isInstanceOfSatisfying(
                        OpenFeatureError.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL))
                .hasMessageContaining("closed");
        assertThat(client.getProviderState()).isEqualTo(ProviderState.FATAL);
        FlagEvaluationDetails<Boolean> details = client.getBooleanDetails("checkout", false);
        assertThat(details.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL);
        assertThat(details.getValue()).isFalse();
        assertThat(provider.getBooleanEvaluation("checkout", false, new ImmutableContext("c-1"))
                        .getErrorCode())
                .as("direct evaluation")
                .isEqualTo(ErrorCode.PROVIDER_FATAL);
    }

    @Test
    @DisplayName("Requirements 2.4.2.1 and 1.7.5: a client closed while initialize waits ends the wait promptly"
            + " with PROVIDER_FATAL")
    void aClientClosedWhileInitializeWaitsIsFatalPromptly() throws Exception {
        FlagClient flags = clientWithoutData();
        Client client = listeningClient();
        Future<?> initializing = setProviderAndWaitInBackground(
                CutoverProvider.builder(flags).initializationTimeout(LONG_INIT).build());
        awaitFailedPolls(3);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.NOT_READY);

        flags.close();
        OpenFeatureError failure = failureOf(initializing);

        assertThat(failure.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL);
        assertThat(failure).hasMessageContaining("closed");
        assertThat(client.getProviderState()).isEqualTo(ProviderState.FATAL);
    }

    @Test
    @DisplayName("Requirement 2.5.2: shutdown while initialize waits aborts the initialization:"
            + " initialize fails promptly with PROVIDER_FATAL, and an owned client is closed")
    void shutdownWhileInitializeWaitsAbortsIt() throws Exception {
        FlagClient flags = clientWithoutData();
        CutoverProvider provider = CutoverProvider.builder(flags)
                .owning(true)
                .initializationTimeout(LONG_INIT)
                .build();
        Future<?> initializing = setProviderAndWaitInBackground(provider);
        awaitFailedPolls(3);

        provider.shutdown();
        OpenFeatureError failure = failureOf(initializing);

        assertThat(failure.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL);
        assertThat(failure).hasMessageContaining("shut down");
        assertThat(flags.status().state()).isEqualTo(ClientStatus.State.CLOSED);
        assertThatThrownBy(() -> provider.initialize(new ImmutableContext()))
                .isInstanceOfSatisfying(
                        OpenFeatureError.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL));
    }

    /**
     * "Without asking the client" is checked with the client's own evaluation counters
     * ({@link ClientStatistics}, what {@code FlagClientMetrics} publishes): every evaluation the
     * client answers is counted, also after {@code close()} (a closed client keeps serving its last
     * snapshot). Two controls prove the counters would see a call: the provider's evaluations are
     * counted while it is live, and a direct client evaluation after the close is counted too.
     */
    @Test
    @DisplayName("Requirements 5.3.5 and 1.7.7: a client closed during use makes the provider FATAL"
            + " (PROVIDER_ERROR with PROVIDER_FATAL);"
            + " evaluations on the provider then serve the default with PROVIDER_FATAL without asking the client")
    void aClientClosedDuringUseIsFatalAndTheProviderNoLongerAsksIt() {
        backing.put(Flag.booleanFlag("checkout", true), 0, AUDIT);
        backing.put(Flag.stringFlag("banner", "spring"), 0, AUDIT);
        FlagClient flags = client(Duration.ofSeconds(10));
        flags.statistics().countEvaluations();
        Client client = listeningClient();
        CutoverProvider provider = CutoverProvider.of(flags);
        api.setProviderAndWait(provider);
        ImmutableContext ctx = new ImmutableContext("customer-1");

        long before = evaluations(flags);
        assertThat(provider.getBooleanEvaluation("checkout", false, ctx).getValue())
                .isTrue();
        assertThat(evaluations(flags))
                .as("control: a live provider asks the client")
                .isEqualTo(before + 1);

        flags.close();
        awaitEvent(
                ProviderEvent.PROVIDER_ERROR,
                "PROVIDER_ERROR for the closed client",
                d -> d.getMessage().contains("closed"));
        // SDK 1.22.0 leaves the error code out of EventDetails; the state shows it was PROVIDER_FATAL
        Eventually.within(WAIT, "state FATAL", () -> client.getProviderState() == ProviderState.FATAL);

        long afterClose = evaluations(flags);
        assertThat(flags.booleanValue("checkout", EvaluationContext.of("customer-1"), false))
                .as("control: the closed client still answers")
                .isTrue();
        assertThat(evaluations(flags)).as("control: and counts it").isEqualTo(afterClose + 1);

        long counted = evaluations(flags);
        ProviderEvaluation<Boolean> b = provider.getBooleanEvaluation("checkout", false, ctx);
        assertThat(b.getValue()).isFalse();
        assertThat(b.getReason()).isEqualTo(Reason.ERROR.name());
        assertThat(b.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL);
        assertThat(b.getErrorMessage()).contains("closed").contains("'checkout'");
        assertThat(b.getVariant()).isNull();
        List<ProviderEvaluation<?>> others = List.of(
                provider.getStringEvaluation("banner", "winter", ctx),
                provider.getIntegerEvaluation("limit", 7, ctx),
                provider.getDoubleEvaluation("ratio", 0.5, ctx),
                provider.getObjectEvaluation("config", new Value("x"), ctx));
        assertThat(others).extracting(e -> (Object) e.getValue()).containsExactly("winter", 7, 0.5, new Value("x"));
        assertThat(others).allSatisfy(e -> {
            assertThat(e.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL);
            assertThat(e.getReason()).isEqualTo(Reason.ERROR.name());
        });
        assertThat(evaluations(flags)).as("the provider did not ask the client").isEqualTo(counted);
    }

    private static long evaluations(FlagClient flags) {
        AtomicLong sum = new AtomicLong();
        flags.statistics().forEachEvaluationCounter(c -> sum.addAndGet(c.count()));
        return sum.get();
    }
}
