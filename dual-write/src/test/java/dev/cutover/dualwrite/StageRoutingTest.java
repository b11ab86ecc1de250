package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Allocation;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Serve;
import dev.cutover.flags.VariantType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each stage routes writes, reads and shadow work as the stage table says. */
class StageRoutingTest {

    @AfterAll
    static void noThreadsLeft() {
        Harness.assertNoLibraryThreads();
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void writesLandWhereTheStageTableSays(Stage stage) {
        try (Harness h = Harness.at(stage)) {
            Order saved = h.orders.save(new Order("o-1", "c-1", "NEW", 100));
            h.idle();

            assertThat(saved.id()).isEqualTo("o-1");
            assertThat(h.oldStore.peek("o-1").isPresent()).as("old written").isEqualTo(stage.writesOld());
            assertThat(h.newData.peek("o-1").isPresent()).as("new written").isEqualTo(stage.writesNew());
            assertThat(h.journaled()).isEmpty();
            // the authoritative write runs on the caller's thread, the shadow write on a shadow thread
            InMemoryOrders authoritative = stage.authoritative() == Side.OLD ? h.oldStore : h.newData;
            assertThat(authoritative.applied)
                    .singleElement()
                    .satisfies(a -> assertThat(a.thread())
                            .isEqualTo(Thread.currentThread().getName()));
            if (stage.shadowWrites()) {
                InMemoryOrders shadow = stage.authoritative() == Side.OLD ? h.newData : h.oldStore;
                assertThat(shadow.applied)
                        .singleElement()
                        .satisfies(a ->
                                assertThat(a.thread()).startsWith(Harness.THREAD_PREFIX + "OrderRepository-shadow-"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void readsComeFromTheAuthoritativeStoreAndAreComparedInShadowAndLive(Stage stage) {
        try (Harness h = Harness.at(stage)) {
            h.oldStore.put(new Order("o-1", "c-1", "OLD", 1));
            h.newData.put(new Order("o-1", "c-1", "NEW", 1));

            Order read = h.orders.find("o-1").orElseThrow();
            h.idle();

            assertThat(read.status()).isEqualTo(stage.authoritative() == Side.OLD ? "OLD" : "NEW");
            if (stage.shadowReads()) {
                assertThat(h.listener.reports).singleElement().satisfies(r -> {
                    assertThat(r.stage()).isEqualTo(stage);
                    assertThat(r.method()).isEqualTo("find");
                    assertThat(r.entityKey()).isEqualTo("o-1");
                    assertThat(r.oldLatency()).isNotNull();
                    assertThat(r.newLatency()).isNotNull();
                });
            } else {
                assertThat(h.listener.reports).isEmpty();
                InMemoryOrders shadow = stage.authoritative() == Side.OLD ? h.newData : h.oldStore;
                assertThat(shadow.applied).isEmpty();
            }
        }
    }

    @Test
    void unknownStageFallsBackToTheDefaultStageAndIsCounted() {
        try (Harness h = Harness.at(Stage.SHADOW, b -> b.defaultStage(Stage.DUAL_WRITE))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DualWriteMetrics.of(h.orders).bindTo(registry);
            h.flags.set(Harness.FLAG, "SHADDOW");

            h.orders.save(new Order("o-1", "c", "NEW", 1));
            h.orders.find("o-1");
            h.idle();

            assertThat(h.control.stage("o-1")).isEqualTo(Stage.DUAL_WRITE);
            assertThat(h.newData.peek("o-1")).as("DUAL_WRITE shadow-writes").isPresent();
            assertThat(h.listener.reports).as("DUAL_WRITE does not shadow-read").isEmpty();
            assertThat(registry.get("cutover.dualwrite.stage.unknown").counter().count())
                    .isEqualTo(3.0);
            assertThat(h.control.counts().unknownStages()).isEqualTo(3);
            assertThat(registry.get("cutover.dualwrite.calls")
                            .tag("method", "save")
                            .tag("stage", "DUAL_WRITE")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void missingFlagServesTheDefaultStage() {
        try (Harness h = Harness.at(Stage.LIVE, b -> b.defaultStage(Stage.OLD_ONLY))) {
            h.flags.remove(Harness.FLAG);
            h.orders.save(new Order("o-1", "c", "NEW", 1));
            h.idle();
            assertThat(h.oldStore.peek("o-1")).isPresent();
            assertThat(h.newData.peek("o-1")).isEmpty();
        }
    }

    @Test
    void lowerCaseStageNamesAreAccepted() {
        try (Harness h = Harness.at(Stage.OLD_ONLY)) {
            h.flags.set(Harness.FLAG, " live ");
            assertThat(h.control.stage("k")).isEqualTo(Stage.LIVE);
            assertThat(h.control.counts().unknownStages()).isZero();
        }
    }

    @Test
    void aRolloutRampsTheStagePerEntityKey() {
        try (Harness h = Harness.at(Stage.SHADOW)) {
            h.flags.set(Flag.builder(Harness.FLAG)
                    .type(VariantType.STRING)
                    .variant("SHADOW", "SHADOW")
                    .variant("LIVE", "LIVE")
                    .fallthrough(Serve.rollout(Rollout.of(new Allocation("LIVE", 50), new Allocation("SHADOW", 50))))
                    .build());
            Set<Stage> seen = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                String key = "o-" + i;
                Stage stage = h.control.stage(key);
                seen.add(stage);
                h.orders.save(new Order(key, "c", "NEW", i));
                InMemoryOrders.Applied first = (stage == Stage.LIVE ? h.newData : h.oldStore)
                        .applied.stream()
                                .filter(a -> a.key().equals(key))
                                .findFirst()
                                .orElseThrow();
                assertThat(first.thread())
                        .as("authoritative for " + key)
                        .isEqualTo(Thread.currentThread().getName());
            }
            h.idle();
            assertThat(seen).containsExactlyInAnyOrder(Stage.SHADOW, Stage.LIVE);
            assertThat(h.oldStore.count()).isEqualTo(40);
            assertThat(h.newData.count()).isEqualTo(40);
        }
    }
}
