package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupAndRecoveryTest {
    @TempDir
    Path dir;

    private FlagClient.Builder builder(ScriptedStore store) {
        return FlagClient.builder(store)
                .startupTimeout(Duration.ofMillis(500))
                .storeTimeout(Duration.ofMillis(200))
                .storeRetry(2, Duration.ofMillis(10))
                .pollInterval(Duration.ofMillis(50))
                .backupFile(dir.resolve("flags-backup.json"));
    }

    @Test
    void storeDownWithoutBackupServesDefaultsThenRecovers() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        store.mode.set(ScriptedStore.Mode.FAIL);
        try (FlagClient client = builder(store).build()) {
            ClientStatus s = client.status();
            assertThat(s.state()).isEqualTo(ClientStatus.State.FAILED);
            assertThat(s.source()).isEqualTo(ClientStatus.Source.DEFAULTS);
            assertThat(s.lastError()).contains("store unavailable (injected)");
            Evaluation<Boolean> e = client.booleanDetail("x", EvaluationContext.empty(), false);
            assertThat(e)
                    .extracting(Evaluation::value, Evaluation::reason, Evaluation::errorCode)
                    .containsExactly(false, Reason.ERROR, ErrorCode.CLIENT_NOT_READY);

            store.mode.set(ScriptedStore.Mode.OK);
            Await.until(
                    "READY after the store returns",
                    Duration.ofSeconds(10),
                    () -> client.status().state() == ClientStatus.State.READY);
            assertThat(client.booleanValue("x", false)).isTrue();
        }
    }

    @Test
    void hangingStoreNeverHangsStartup() {
        ScriptedStore store = new ScriptedStore();
        store.mode.set(ScriptedStore.Mode.HANG);
        long start = System.nanoTime();
        try (FlagClient client = builder(store).build()) {
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(took).isLessThan(5_000);
            assertThat(client.status().state()).isIn(ClientStatus.State.FAILED, ClientStatus.State.STALE);
            assertThat(client.booleanValue("x", true)).isTrue();
        } finally {
            store.release();
        }
    }

    @Test
    void backupFileIsServedWhenTheStoreIsDownAtStart() throws Exception {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true), Flag.stringFlag("stage", "SHADOW"));
        try (FlagClient first = builder(store).build()) {
            assertThat(first.status().state()).isEqualTo(ClientStatus.State.READY);
        }
        assertThat(dir.resolve("flags-backup.json")).exists();

        store.mode.set(ScriptedStore.Mode.FAIL);
        try (FlagClient second = builder(store).build()) {
            ClientStatus s = second.status();
            assertThat(s.source()).isEqualTo(ClientStatus.Source.BACKUP_FILE);
            assertThat(s.state()).isEqualTo(ClientStatus.State.STALE);
            assertThat(s.revision()).isEqualTo(1);
            assertThat(second.stringValue("stage", EvaluationContext.empty(), "OLD_ONLY"))
                    .isEqualTo("SHADOW");

            store.publish(Flag.booleanFlag("x", false));
            store.mode.set(ScriptedStore.Mode.OK);
            Await.until(
                    "store data replaces backup",
                    Duration.ofSeconds(10),
                    () -> second.status().source() == ClientStatus.Source.STORE);
            assertThat(second.booleanValue("x", true)).isFalse();
            assertThat(second.status().state()).isEqualTo(ClientStatus.State.READY);
        }
    }

    @Test
    void corruptBackupIsIgnored() throws Exception {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient first = builder(store).build()) {
            assertThat(first.status().hasData()).isTrue();
        }
        Path backup = dir.resolve("flags-backup.json");
        Files.writeString(backup, Files.readString(backup).replace("\\\"x\\\"", "\\\"y\\\""));
        store.mode.set(ScriptedStore.Mode.FAIL);
        try (FlagClient second = builder(store).build()) {
            assertThat(second.status().source()).isEqualTo(ClientStatus.Source.DEFAULTS);
        }
    }

    @Test
    void storeFailureMidRunKeepsLastGoodSnapshotAsStale() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient client = builder(store).build()) {
            store.mode.set(ScriptedStore.Mode.FAIL);
            Await.until("STALE", Duration.ofSeconds(10), () -> client.status().state() == ClientStatus.State.STALE);
            assertThat(client.booleanValue("x", false)).isTrue();
            assertThat(client.status().source()).isEqualTo(ClientStatus.Source.STORE);
            store.mode.set(ScriptedStore.Mode.OK);
            Await.until("READY", Duration.ofSeconds(10), () -> client.status().state() == ClientStatus.State.READY);
        }
    }

    @Test
    void idlePollsReadOnlyTheHead() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient client =
                FlagClient.builder(store).pollInterval(Duration.ofMillis(20)).build()) {
            Await.until("several polls", Duration.ofSeconds(10), () -> store.heads.get() >= 10);
            assertThat(store.loads.get()).isEqualTo(1);
            assertThat(client.status().state()).isEqualTo(ClientStatus.State.READY);
        }
    }

    @Test
    void pushHintReloadsAtOnceWithoutWaitingForThePoll() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient client =
                FlagClient.builder(store).pollInterval(Duration.ofHours(1)).build()) {
            Await.until("subscribed", Duration.ofSeconds(10), () -> !store.listeners.isEmpty());
            store.publish(Flag.booleanFlag("x", false));
            Await.until("push applied", Duration.ofSeconds(10), () -> !client.booleanValue("x", true));
            assertThat(store.loads.get()).isEqualTo(2);
        }
        assertThat(store.listeners).as("subscription closed with the client").isEmpty();
    }

    @Test
    void closeStopsEveryThreadTheClientStarted() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        FlagClient client = FlagClient.builder(store).build();
        client.onAnyChange(e -> {});
        client.close();
        Await.until(
                "client threads gone",
                Duration.ofSeconds(10),
                () -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("cutover-flags-") && t.isAlive()));
        assertThat(client.status().state()).isEqualTo(ClientStatus.State.CLOSED);
        assertThat(client.booleanValue("x", false)).isTrue();
    }
}
