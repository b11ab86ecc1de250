package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.replication.MirrorFailure;
import dev.cutover.replication.spi.ChangeQueue;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Attaching without changing the application: the tap, the gate, and a mirror that never throws. */
class MirrorTapTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void theTapCallsTheOriginalFirstThenMirrors() {
        List<String> calls = new CopyOnWriteArrayList<>();
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping((TestEvent e) -> {
                    calls.add("mapping " + e.key());
                    return TestEvent.toChanges(e);
                })
                .build()) {
            Consumer<TestEvent> listener = mirror.tap(e -> calls.add("original " + e.key()));
            listener.accept(TestEvent.upsert("a", 1, "x"));
            listener.accept(TestEvent.upsert("b", 2, "y"));
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(calls).containsExactly("original a", "mapping a", "original b", "mapping b");
            assertThat(target.read("a")).contains(TestEvent.upsert("a", 1, "x").toChange());
            assertThat(mirror.counts().applied()).isEqualTo(2);
        }
    }

    /** A listener interface of the application's own, with several methods. */
    interface OrderListener {
        void onChanged(TestEvent event);

        String onTwo(String note, TestEvent first, TestEvent second);

        int onNothing(int value);
    }

    @Test
    void aListenerInterfaceIsTappedWithoutChangingTheApplicationsListener() {
        List<String> calls = new CopyOnWriteArrayList<>();
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        OrderListener original = new OrderListener() {
            @Override
            public void onChanged(TestEvent event) {
                calls.add("original " + event.key());
            }

            @Override
            public String onTwo(String note, TestEvent first, TestEvent second) {
                calls.add("original " + note);
                return note + "!";
            }

            @Override
            public int onNothing(int value) {
                return value + 1;
            }

            @Override
            public String toString() {
                return "the order listener";
            }
        };
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping((TestEvent e) -> {
                    calls.add("mapping " + e.key());
                    return TestEvent.toChanges(e);
                })
                .build()) {
            OrderListener tapped = mirror.tap(OrderListener.class, original, TestEvent.class);
            tapped.onChanged(TestEvent.upsert("a", 1, "x"));
            assertThat(tapped.onTwo("pair", TestEvent.upsert("b", 1, "y"), TestEvent.delete("a", 2)))
                    .isEqualTo("pair!");
            assertThat(tapped.onNothing(41)).isEqualTo(42);
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(calls).containsExactly("original a", "mapping a", "original pair", "mapping b", "mapping a");
            assertThat(target.read("b")).contains(TestEvent.upsert("b", 1, "y").toChange());
            assertThat(target.read("a")).contains(TestEvent.delete("a", 2).toChange());
            assertThat(mirror.counts().observed()).isEqualTo(3);
            assertThat(tapped.toString()).contains("the order listener");
            assertThat(tapped).isEqualTo(tapped).isNotEqualTo(original);
        }
    }

    @Test
    void aTappedListenerInterfacesOwnExceptionPropagatesUnchangedAndItsEventsAreNotMirrored() {
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        IllegalStateException thrown = new IllegalStateException("the application's own failure");
        Consumer<TestEvent> failing = e -> {
            throw thrown;
        };
        try (Mirror<TestEvent> mirror =
                Mirror.to(target).mapping(TestEvent::toChanges).build()) {
            @SuppressWarnings("unchecked")
            Consumer<TestEvent> tapped = mirror.tap(Consumer.class, failing, TestEvent.class);
            assertThatThrownBy(() -> tapped.accept(TestEvent.upsert("a", 1, "x")))
                    .isSameAs(thrown);
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(mirror.counts().observed()).isZero();
            assertThatThrownBy(() -> mirror.tap(Object.class, new Object(), TestEvent.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("java.lang.Object");
        }
    }

    @Test
    void theOriginalsExceptionPropagatesUnchangedAndItsEventIsNotMirrored() {
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        IllegalStateException thrown = new IllegalStateException("the application's own failure");
        try (Mirror<TestEvent> mirror =
                Mirror.to(target).mapping(TestEvent::toChanges).build()) {
            Consumer<TestEvent> listener = mirror.tap(e -> {
                throw thrown;
            });
            assertThatThrownBy(() -> listener.accept(TestEvent.upsert("a", 1, "x")))
                    .isSameAs(thrown);
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(mirror.counts().observed()).isZero();
            assertThat(target.all()).isEmpty();
        }
    }

    @Test
    void aMappingThatThrowsNeverReachesTheApplicationAndIsRecorded() {
        List<MirrorFailure> failures = new CopyOnWriteArrayList<>();
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        try (Mirror<TestEvent> mirror = Mirror.to(new InMemoryVersionedTarget())
                .mapping((TestEvent e) -> {
                    if (e.key().equals("bad")) {
                        throw new IllegalStateException("mapping bug");
                    }
                    return e.key().equals("null") ? null : TestEvent.toChanges(e);
                })
                .onFailure(failures::add)
                .journal(journal)
                .build()) {
            Consumer<TestEvent> listener = mirror.tap(e -> {});
            listener.accept(TestEvent.upsert("bad", 1, "x"));
            listener.accept(TestEvent.upsert("null", 2, "x"));
            listener.accept(TestEvent.upsert("good", 3, "x"));
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            MirrorCounts counts = mirror.counts();
            assertThat(counts.unmapped()).isEqualTo(2);
            assertThat(counts.applied()).isEqualTo(1);
            assertThat(failures).extracting(MirrorFailure::reason).containsOnly(MirrorFailure.Reason.MAPPING_FAILED);
            assertThat(failures).extracting(MirrorFailure::key).containsOnlyNulls();
            assertThat(failures.get(0).detail())
                    .contains("IllegalStateException")
                    .doesNotContain("mapping bug");
            // both keyless failures coalesce into one entry: "reconcile fully"
            assertThat(journal.pending())
                    .singleElement()
                    .satisfies(e -> assertThat(e.write().entityKey()).isNull());
        }
    }

    @Test
    void aQueueThatThrowsDropsTheChangeWithItsKeyAndTheApplicationCarriesOn() {
        List<MirrorFailure> failures = new CopyOnWriteArrayList<>();
        ChangeQueue broken = new ChangeQueue() {
            @Override
            public boolean offer(Change change, Duration maxWait) {
                throw new IllegalStateException("queue down");
            }

            @Override
            public Delivery poll(int maxChanges, Duration maxWait, Duration linger) {
                LockSupport.parkNanos(maxWait.toNanos());
                return new Delivery(List.of(), "none");
            }

            @Override
            public void ack(Delivery delivery) {}

            @Override
            public long depth() {
                return 0;
            }
        };
        try (Mirror<TestEvent> mirror = Mirror.to(new InMemoryVersionedTarget())
                .mapping(TestEvent::toChanges)
                .queue(broken)
                .onFailure(failures::add)
                .build()) {
            mirror.observe(TestEvent.upsert("k1", 1, "x"));
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.key()).isEqualTo("k1");
                assertThat(f.version()).isEqualTo(1);
                assertThat(f.reason()).isEqualTo(MirrorFailure.Reason.DROPPED_QUEUE_ERROR);
            });
            assertThat(mirror.counts().dropped()).isEqualTo(1);
            assertThat(mirror.counts().pending()).isZero();
        }
    }

    @Test
    void aGateThatThrowsCountsAsOff() {
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping(TestEvent::toChanges)
                .gate(() -> {
                    throw new IllegalStateException("flag service bug");
                })
                .build()) {
            mirror.observe(TestEvent.upsert("a", 1, "x"));
            assertThat(mirror.enabled()).isFalse();
            assertThat(mirror.counts().skipped()).isEqualTo(1);
        }
    }

    @Test
    void mappingOneMirrorsAtMostOneChangePerEvent() {
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mappingOne((TestEvent e) -> e.name().equals("ignored") ? Optional.empty() : Optional.of(e.toChange()))
                .build()) {
            mirror.observe(TestEvent.upsert("a", 1, "ignored"));
            mirror.observe(TestEvent.upsert("b", 2, "kept"));
            mirror.observe(TestEvent.delete("b", 3));
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(target.all()).containsExactly(Change.delete("b", 3));
            assertThat(mirror.counts().mirrored()).isEqualTo(2);
        }
    }

    @Test
    void everyQueuedChangeEndsInExactlyOneOutcome() {
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        try (Mirror<TestEvent> mirror =
                Mirror.to(target).mapping(TestEvent::toChanges).batchSize(3).build()) {
            for (int i = 0; i < 50; i++) {
                mirror.observe(TestEvent.upsert("k" + (i % 7), 1 + (i % 5), "n"));
            }
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            MirrorCounts c = mirror.counts();
            assertThat(c.mirrored()).isEqualTo(50);
            assertThat(c.applied() + c.superseded() + c.duplicate() + c.failed())
                    .isEqualTo(c.mirrored());
            assertThat(c.applied()).isPositive();
            assertThat(c.pending()).isZero();
        }
    }
}
