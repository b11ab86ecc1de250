package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.internal.DefaultFlagClient;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.store.JsonFileFlagStore;
import dev.cutover.testsupport.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defences against hostile input, misuse and awkward timing. */
class HardeningTest {
    @TempDir
    Path dir;

    private static FlagClient clientOf(ScriptedStore store) {
        return FlagClient.builder(store).pollInterval(Duration.ofHours(1)).build();
    }

    @Test
    void hostileSemverAttributeNeitherThrowsNorMatches() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.builder("v")
                .booleanVariants()
                .rule(Rule.when(Serve.variant("true"), Clause.of("appVersion", Operator.SEMVER_LESS_THAN, "2.0.0")))
                .build());
        try (FlagClient client = clientOf(store)) {
            String hostile = "1.0.0-a" + ".a".repeat(200_000);
            EvaluationContext ctx =
                    EvaluationContext.builder("k").set("appVersion", hostile).build();
            assertThat(client.booleanValue("v", ctx, true)).isFalse();
            assertThat(client.allFlags(ctx).evaluations().get("v").reason()).isEqualTo(Reason.FALLTHROUGH);
            assertThat(client.booleanValue(
                            "v",
                            EvaluationContext.builder("k")
                                    .set("appVersion", "1.9.9")
                                    .build(),
                            false))
                    .isTrue();
        }
    }

    @Test
    void jsonNodesHandedOutAreCopies() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.builder("cfg")
                .type(VariantType.JSON)
                .variant("v", JsonNodeFactory.instance.objectNode().put("x", 1))
                .build());
        try (FlagClient client = clientOf(store)) {
            EvaluationContext ctx = EvaluationContext.of("k");
            ObjectNode mine = client.jsonValue("cfg", ctx, ObjectNode.class, JsonNodeFactory.instance.objectNode());
            mine.put("x", 999);
            assertThat(client.jsonValue("cfg", ctx, JsonNode.class, null)
                            .get("x")
                            .asInt())
                    .isEqualTo(1);
            ((ObjectNode) client.allFlags(ctx).evaluations().get("cfg").value()).put("x", 5);
            assertThat(client.jsonValue("cfg", ctx, JsonNode.class, null)
                            .get("x")
                            .asInt())
                    .isEqualTo(1);
        }
    }

    @Test
    void aThrowingRefreshHookDoesNotStopPolling() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient client =
                FlagClient.builder(store).pollInterval(Duration.ofMillis(10)).build()) {
            client.onStatus(status -> {
                throw new IllegalStateException("hook");
            });
            int before = store.heads.get();
            Await.until("polls continue", Duration.ofSeconds(10), () -> store.heads.get() >= before + 5);
        }
    }

    @Test
    void effectiveAtEventsAreNotLostWhileDefaultsAreServed() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        Instant flip = clock.instant().plus(Duration.ofMinutes(30));
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("f", true).toBuilder()
                .effectiveAt(flip, Flag.booleanFlag("f", false))
                .build());
        try (FlagClient client = FlagClient.builder(store)
                .clock(clock)
                .pollInterval(Duration.ofHours(1))
                .storeRetry(1, Duration.ofMillis(1))
                .maxStaleness(Duration.ofMinutes(10), StalenessPolicy.SERVE_DEFAULTS)
                .build()) {
            DefaultFlagClient c = (DefaultFlagClient) client;
            List<FlagChangeEvent> events = new CopyOnWriteArrayList<>();
            client.onChange("f", events::add);
            store.mode.set(ScriptedStore.Mode.FAIL);
            clock.advance(Duration.ofMinutes(31));
            c.refreshNow();
            assertThat(client.status().state()).isEqualTo(ClientStatus.State.FAILED);
            c.fireDueEffectiveChanges();
            Await.until("effectiveAt event", Duration.ofSeconds(5), () -> events.size() == 1);
            store.mode.set(ScriptedStore.Mode.OK);
            c.refreshNow();
            assertThat(client.booleanValue("f", false)).isTrue();
        }
    }

    @Test
    void storeWinsOverAHigherRevisionBackup() throws Exception {
        Path backup = dir.resolve("b.json");
        ScriptedStore old = new ScriptedStore();
        for (int i = 0; i < 5; i++) {
            old.publish(Flag.booleanFlag("x", true));
        }
        try (FlagClient c = FlagClient.builder(old).backupFile(backup).build()) {
            assertThat(c.status().revision()).isEqualTo(5);
        }
        ScriptedStore reset = new ScriptedStore();
        reset.mode.set(ScriptedStore.Mode.FAIL);
        reset.publish(Flag.booleanFlag("x", false));
        try (FlagClient c = FlagClient.builder(reset)
                .backupFile(backup)
                .startupTimeout(Duration.ofMillis(300))
                .storeRetry(1, Duration.ofMillis(1))
                .pollInterval(Duration.ofMillis(20))
                .build()) {
            assertThat(c.status().source()).isEqualTo(ClientStatus.Source.BACKUP_FILE);
            reset.mode.set(ScriptedStore.Mode.OK);
            Await.until("store data", Duration.ofSeconds(10), () -> c.status().source() == ClientStatus.Source.STORE);
            assertThat(c.status().revision()).isEqualTo(1);
            assertThat(c.booleanValue("x", true)).isFalse();
        }
    }

    @Test
    void aFreshInstanceKeepsTheBackupVersionOfAFlagTheStoreNowHasBroken() throws Exception {
        Path backup = dir.resolve("b.json");
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.stringFlag("stage", "SHADOW"));
        try (FlagClient c = FlagClient.builder(store).backupFile(backup).build()) {
            assertThat(c.stringValue("stage", EvaluationContext.empty(), "?")).isEqualTo("SHADOW");
        }
        store.publishRaw(
                List.of(new RawFlag("stage", 2, "{\"key\":\"stage\",\"type\":\"string\",\"variants\":{\"a\":1}}")));
        try (FlagClient fresh = FlagClient.builder(store).backupFile(backup).build()) {
            assertThat(fresh.status().source()).isEqualTo(ClientStatus.Source.STORE);
            assertThat(fresh.status().rejectedFlags()).isEqualTo(1);
            assertThat(fresh.stringValue("stage", EvaluationContext.empty(), "?"))
                    .isEqualTo("SHADOW");
        }
    }

    @Test
    void theStoreVersionIsAuthoritativeAndAddsAreNotDeletes() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("a", true));
        try (FlagClient client = clientOf(store)) {
            List<FlagChangeEvent> events = new CopyOnWriteArrayList<>();
            client.onAnyChange(events::add);
            store.publishRaw(List.of(
                    new RawFlag("a", 7, Flag.booleanFlag("a", false).toJson()),
                    new RawFlag("b", 3, Flag.booleanFlag("b", true).toJson())));
            client.refreshNow();
            Await.until("events", Duration.ofSeconds(5), () -> events.size() == 2);
            assertThat(events).allSatisfy(e -> assertThat(e.deleted()).isFalse());
            assertThat(client.booleanDetail("a", EvaluationContext.empty(), true)
                            .flagVersion())
                    .isEqualTo(7);
            store.publishRaw(
                    List.of(new RawFlag("a", 7, Flag.booleanFlag("a", false).toJson())));
            client.refreshNow();
            Await.until("delete event", Duration.ofSeconds(5), () -> events.size() == 3);
            assertThat(events.get(2))
                    .extracting(FlagChangeEvent::key, FlagChangeEvent::deleted)
                    .containsExactly("b", true);
        }
    }

    @Test
    void nonFiniteNumbersAndNumericEdgeCases() {
        assertThatThrownBy(() -> Flag.builder("nan").variant("a", Double.NaN).build())
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("'nan'")
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> Flag.fromJson("{\"key\":\"big\",\"type\":\"number\",\"variants\":{\"a\":1e400}}"))
                .hasMessageContaining("finite");
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.builder("id")
                .booleanVariants()
                .rule(Rule.when(Serve.variant("true"), Clause.of("accountId", Operator.EQUALS, 9_007_199_254_740_993L)))
                .build());
        try (FlagClient client = clientOf(store)) {
            assertThat(client.booleanValue(
                            "id",
                            EvaluationContext.builder("k")
                                    .set("accountId", 9_007_199_254_740_992L)
                                    .build(),
                            false))
                    .isFalse();
            assertThat(client.booleanValue(
                            "id",
                            EvaluationContext.builder("k")
                                    .set("accountId", 9_007_199_254_740_993L)
                                    .build(),
                            false))
                    .isTrue();
        }
    }

    @Test
    void rolloutWithoutTheBucketAttributeSpreadsByTargetingKey() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.builder("r")
                .booleanVariants()
                .fallthrough(
                        Serve.rollout(Rollout.by("tenant", new Allocation("true", 50), new Allocation("false", 50))))
                .build());
        try (FlagClient client = clientOf(store)) {
            int on = 0;
            for (int i = 0; i < 10_000; i++) {
                on += client.booleanValue("r", EvaluationContext.of("c" + i), false) ? 1 : 0;
            }
            assertThat(on).isBetween(4_500, 5_500);
            assertThat(client.booleanValue(
                            "r",
                            EvaluationContext.builder("c1").set("tenant", 42).build(),
                            false))
                    .isEqualTo(client.booleanValue(
                            "r",
                            EvaluationContext.builder("c2").set("tenant", "42").build(),
                            true));
        }
    }

    @Test
    void fileStoreRejectsDuplicateFieldsAndStopsItsWatcherWithTheLastSubscriber() throws Exception {
        Path file = dir.resolve("flags.json");
        Files.writeString(
                file,
                "{\"flags\":[" + Flag.booleanFlag("good", true).toJson()
                        + ",{\"key\":\"dup\",\"on\":false,\"type\":\"boolean\",\"variants\":{\"true\":true},\"on\":true}]}");
        JsonFileFlagStore store = JsonFileFlagStore.of(file);
        AtomicInteger alive = new AtomicInteger();
        try (FlagClient client = FlagClient.builder(store).build()) {
            assertThat(client.status().rejectedFlags()).isEqualTo(1);
            assertThat(client.booleanValue("good", false)).isTrue();
            Await.until("watcher running", Duration.ofSeconds(5), () -> watcherThreads() == 1);
            alive.set((int) watcherThreads());
        }
        assertThat(alive.get()).isEqualTo(1);
        Await.until("watcher stopped", Duration.ofSeconds(5), () -> watcherThreads() == 0);
    }

    private static long watcherThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("cutover-flags-file-watch") && t.isAlive())
                .count();
    }
}
