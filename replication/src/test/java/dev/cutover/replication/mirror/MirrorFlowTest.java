package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Subscribing to a Flow.Publisher: demand follows the mirror's room, and close cancels. */
class MirrorFlowTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Emits events on its own thread exactly as fast as they are requested; counts demand. */
    private static final class DemandRecordingPublisher implements Flow.Publisher<TestEvent> {
        final AtomicLong requested = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();
        private final int total;

        DemandRecordingPublisher(int total) {
            this.total = total;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super TestEvent> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requested.addAndGet(n);
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }
            });
            Thread t = new Thread(
                    () -> {
                        while (delivered.get() < total && !cancelled.get()) {
                            if (delivered.get() < requested.get()) {
                                long i = delivered.incrementAndGet();
                                subscriber.onNext(TestEvent.upsert("k" + (i % 97), i, "n" + i));
                            } else {
                                LockSupport.parkNanos(100_000);
                            }
                        }
                        if (!cancelled.get()) {
                            subscriber.onComplete();
                        }
                    },
                    "demand-publisher");
            t.setDaemon(true);
            t.start();
        }
    }

    @Test
    void demandNeverExceedsTheRoomInTheMirror() throws Exception {
        ScriptedTarget target = new ScriptedTarget().holdApplies();
        DemandRecordingPublisher publisher = new DemandRecordingPublisher(1_000);
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping(TestEvent::toChanges)
                .queue(100)
                .workers(1)
                .batchSize(10)
                .build()) {
            mirror.subscribeTo(publisher);
            await("the publisher delivered all it was asked for")
                    .atMost(WAIT)
                    .until(() -> publisher.requested.get() > 0
                            && publisher.delivered.get() == publisher.requested.get()
                            && mirror.counts().observed() == publisher.delivered.get());
            // the worker holds one batch, the queue the rest: nothing asked beyond the window
            assertThat(publisher.requested.get()).isLessThanOrEqualTo(100);
            assertThat(mirror.counts().dropped()).isZero();
            target.release();
            await("all 1,000 events mirrored")
                    .atMost(WAIT)
                    .until(() -> mirror.counts().applied()
                                    + mirror.counts().superseded()
                                    + mirror.counts().duplicate()
                            == 1_000);
            assertThat(target.store.all()).hasSize(97);
            assertThat(mirror.counts().dropped()).isZero();
            assertThat(publisher.requested.get()).isLessThanOrEqualTo(1_000 + 100);
        }
    }

    @Test
    void closingTheMirrorCancelsALiveSubscription() {
        DemandRecordingPublisher publisher = new DemandRecordingPublisher(Integer.MAX_VALUE);
        Mirror<TestEvent> mirror = Mirror.to(new InMemoryVersionedTarget())
                .mapping(TestEvent::toChanges)
                .queue(100)
                .build();
        mirror.subscribeTo(publisher);
        await("events flowing").atMost(WAIT).until(() -> mirror.counts().applied() > 1_000);
        mirror.close(WAIT);
        assertThat(publisher.cancelled.get()).isTrue();
    }

    @Test
    void aSubmissionPublisherFeedsTheMirrorAndCloseCancelsTheSubscription() {
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SubmissionPublisher<TestEvent> publisher = new SubmissionPublisher<>(executor, 16)) {
            Mirror<TestEvent> mirror = Mirror.to(target)
                    .mapping(TestEvent::toChanges)
                    .queue(64)
                    .batchSize(16)
                    .build();
            mirror.subscribeTo(publisher);
            await("subscribed").atMost(WAIT).until(() -> publisher.getNumberOfSubscribers() == 1);
            for (int i = 1; i <= 2_000; i++) {
                publisher.submit(TestEvent.upsert("k" + (i % 50), i, "n"));
            }
            await("all submitted events observed")
                    .atMost(WAIT)
                    .until(() -> mirror.counts().observed() == 2_000);
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(target.all())
                    .hasSize(50)
                    .allSatisfy(c -> assertThat(c.version()).isGreaterThan(1_950));
            assertThat(mirror.counts().dropped()).isZero();
            assertThat(mirror.close(WAIT)).isTrue();
            await("the subscription cancelled").atMost(WAIT).until(() -> publisher.getNumberOfSubscribers() == 0);
        } finally {
            executor.shutdownNow();
        }
        assertThat(executorStopped(executor)).isTrue();
    }

    private static boolean executorStopped(ExecutorService executor) {
        try {
            return executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
