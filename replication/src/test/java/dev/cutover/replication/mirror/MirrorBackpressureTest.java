package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bounded queue: the observer waits for room, gives up after maxBlock, and never drops silently. */
class MirrorBackpressureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ScriptedTarget target = new ScriptedTarget().holdApplies();
    private final List<MirrorFailure> failures = new CopyOnWriteArrayList<>();
    private final InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();

    private Mirror<TestEvent> mirror(String name, Duration maxBlock) {
        return Mirror.to(target)
                .mapping(TestEvent::toChanges)
                .name(name)
                .queue(2)
                .workers(1)
                .batchSize(1)
                .maxBlock(maxBlock)
                .onFailure(failures::add)
                .journal(journal)
                .build();
    }

    /** One change in the worker's hands (held), two in the queue: the queue is full. */
    private void fill(Mirror<TestEvent> mirror) throws InterruptedException {
        mirror.observe(TestEvent.upsert("in-flight", 1, "x"));
        assertThat(target.entered.await(10, TimeUnit.SECONDS)).isTrue();
        mirror.observe(TestEvent.upsert("queued-1", 2, "x"));
        mirror.observe(TestEvent.upsert("queued-2", 3, "x"));
        assertThat(mirror.counts().queueDepth()).isEqualTo(2);
    }

    @Test
    void aFullQueueBlocksTheObserverForMaxBlockThenDropsTheChangeNamingItsKey() throws Exception {
        try (Mirror<TestEvent> mirror = mirror("bp-drop", Duration.ofMillis(300))) {
            fill(mirror);
            long started = System.nanoTime();
            mirror.observe(TestEvent.upsert("dropped", 4, "x"));
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(waitedMillis).isBetween(290L, 5_000L);
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.key()).isEqualTo("dropped");
                assertThat(f.reason()).isEqualTo(MirrorFailure.Reason.DROPPED_QUEUE_FULL);
            });
            // the observer only put the key in memory; the mirror's journal thread appends it
            await("the dropped key journaled")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> journal.pending().size() == 1);
            assertThat(journal.pending()).singleElement().satisfies(e -> {
                assertThat(e.write().entityKey()).isEqualTo("dropped");
                assertThat(e.write().reason()).isEqualTo(FailedWrite.Reason.SHED);
                assertThat(e.write().target()).isEqualTo(FailedWrite.Target.NEW);
                assertThat(e.write().repository()).isEqualTo("bp-drop");
            });
            target.release();
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(mirror.counts().applied()).isEqualTo(3);
            assertThat(mirror.counts().dropped()).isEqualTo(1);
        }
    }

    @Test
    void anObserverWaitingForRoomGoesOnOnceTheWorkersCatchUp() throws Exception {
        try (Mirror<TestEvent> mirror = mirror("bp-wait", Duration.ofSeconds(30))) {
            fill(mirror);
            Thread observer = new Thread(() -> mirror.observe(TestEvent.upsert("waited", 4, "x")), "observer");
            observer.start();
            await("the observer waits for room")
                    .atMost(WAIT)
                    .until(() -> observer.getState() == Thread.State.TIMED_WAITING);
            assertThat(observer.isAlive()).isTrue();
            target.release();
            observer.join(WAIT.toMillis());
            assertThat(observer.isAlive()).isFalse();
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(failures).isEmpty();
            assertThat(target.read("waited")).isPresent();
            assertThat(mirror.counts().applied()).isEqualTo(4);
        }
    }

    @Test
    void closeDrainsWhatIsQueuedWithinTheBound() throws Exception {
        Mirror<TestEvent> mirror = mirror("bp-drain", Duration.ofSeconds(5));
        fill(mirror);
        target.release();
        assertThat(mirror.close(WAIT)).isTrue();
        assertThat(target.store.all()).hasSize(3);
        assertThat(failures).isEmpty();
        assertThat(workersAlive("bp-drain")).isZero();
    }

    @Test
    void closeGivesUpAtItsBoundAndRecordsEveryChangeLeftByKey() throws Exception {
        Mirror<TestEvent> mirror = mirror("bp-stuck", Duration.ofSeconds(5));
        fill(mirror);
        long started = System.nanoTime();
        assertThat(mirror.close(Duration.ofMillis(200))).isFalse();
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000L);
        assertThat(failures)
                .extracting(MirrorFailure::key)
                .containsExactlyInAnyOrder("in-flight", "queued-1", "queued-2");
        assertThat(failures).extracting(MirrorFailure::reason).containsOnly(MirrorFailure.Reason.CLOSED);
        assertThat(journal.pending()).hasSize(3);
        assertThat(mirror.counts().failed()).isEqualTo(3);
        assertThat(mirror.counts().pending()).isZero();
        assertThat(workersAlive("bp-stuck")).isZero();
        assertThat(target.store.all()).isEmpty();
    }

    @Test
    void anEventAfterCloseIsRecordedAsDroppedAndCloseIsIdempotent() {
        target.release();
        Mirror<TestEvent> mirror = mirror("bp-closed", Duration.ofSeconds(5));
        assertThat(mirror.close(WAIT)).isTrue();
        mirror.observe(TestEvent.upsert("late", 9, "x"));
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("late");
            assertThat(f.reason()).isEqualTo(MirrorFailure.Reason.CLOSED);
        });
        assertThat(mirror.counts().dropped()).isEqualTo(1);
        assertThat(mirror.close(WAIT)).isTrue();
    }

    private static long workersAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("cutover-mirror-" + name + "-") && t.isAlive())
                .count();
    }
}
