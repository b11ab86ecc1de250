package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Change;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Failed applies: retried with backoff, isolated when the target refuses one change, never silent. */
class MirrorRetryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ScriptedTarget target = new ScriptedTarget();
    private final List<MirrorFailure> failures = new CopyOnWriteArrayList<>();

    @Test
    void transientFailuresAreRetriedUntilTheApplyLands() {
        target.failNext.set(2);
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping(TestEvent::toChanges)
                .workers(1)
                .retry(5, Duration.ofMillis(5))
                .onFailure(failures::add)
                .build()) {
            mirror.observe(TestEvent.upsert("k", 1, "x"));
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(target.applyCalls.get()).isEqualTo(3);
            assertThat(target.read("k")).isPresent();
            assertThat(failures).isEmpty();
            assertThat(mirror.counts().applied()).isEqualTo(1);
        }
    }

    @Test
    void whenEveryAttemptFailsEachChangeIsRecordedWithItsKey() {
        target.failNext.set(1_000);
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping(TestEvent::toChanges)
                .workers(1)
                .retry(3, Duration.ofMillis(2))
                .onFailure(failures::add)
                .build()) {
            for (int i = 1; i <= 3; i++) {
                mirror.observe(TestEvent.upsert("k" + i, i, "x"));
            }
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(failures).extracting(MirrorFailure::key).containsExactlyInAnyOrder("k1", "k2", "k3");
            assertThat(failures).allSatisfy(f -> {
                assertThat(f.reason()).isEqualTo(MirrorFailure.Reason.APPLY_FAILED);
                assertThat(f.detail())
                        .contains("3 attempts")
                        .contains("SQLTransientConnectionException")
                        .contains("08006");
            });
            assertThat(mirror.counts().failed()).isEqualTo(3);
            assertThat(target.applyCalls.get() % 3).isZero();
        }
    }

    @Test
    void aChangeTheTargetRefusesFailsAloneAndTheRestOfItsBatchLands() throws Exception {
        target.refused.add("poison");
        target.holdApplies();
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping(TestEvent::toChanges)
                .workers(1)
                .batchSize(10)
                .linger(Duration.ZERO)
                .retry(5, Duration.ofMillis(5))
                .onFailure(failures::add)
                .build()) {
            mirror.observe(TestEvent.upsert("first", 1, "x"));
            assertThat(target.entered.await(10, TimeUnit.SECONDS)).isTrue();
            mirror.observe(TestEvent.upsert("a", 2, "x"));
            mirror.observe(TestEvent.upsert("poison", 3, "x"));
            mirror.observe(TestEvent.delete("b", 4));
            target.release();
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.key()).isEqualTo("poison");
                assertThat(f.reason()).isEqualTo(MirrorFailure.Reason.APPLY_FAILED);
                assertThat(f.detail()).contains("IllegalArgumentException").doesNotContain("scripted refusal");
            });
            assertThat(target.store.all()).extracting(Change::key).containsExactly("a", "b", "first");
            // one apply for "first", one for the batch that failed without retry, one per change after
            assertThat(target.applyCalls.get()).isEqualTo(5);
        }
    }
}
