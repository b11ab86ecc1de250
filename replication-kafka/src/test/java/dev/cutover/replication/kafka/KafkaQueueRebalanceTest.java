package dev.cutover.replication.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ChangeQueue.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Consumer-group rebalances, mid-stream, on 4 partitions: a second member joins and takes its
 * share; the first hangs holding a polled batch (its consumer stops polling, as a process that
 * hangs or dies), is expelled after its poll interval, and its partitions, the held batch included,
 * go to the second; the first's late acknowledgement changes nothing; it comes back and takes a
 * share again; then the second leaves and the first takes everything. Nothing is lost, and at the
 * end the group's committed offsets reach the end of every partition: none stalled.
 */
class KafkaQueueRebalanceTest {
    private static final int PARTITIONS = 4;

    @Test
    void membersJoinHangAndLeaveWithoutLosingOrStallingAPartition() throws Exception {
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("rebalance"), PARTITIONS);
        String group = topic + "-group";
        Set<Change> seen = ConcurrentHashMap.newKeySet();
        try (KafkaChangeQueue sender = Queues.on(topic).build();
                KafkaChangeQueue a =
                        Queues.member(topic, group).name("member-a").build();
                Worker workerA = new Worker(a, seen)) {
            Queues.send(sender, Queues.changes("one", 1000));
            await().atMost(Queues.DEADLINE).until(() -> seen.size() >= 200);

            // a second member joins mid-stream and takes its share
            KafkaChangeQueue b = Queues.member(topic, group).name("member-b").build();
            Worker workerB = new Worker(b, seen);
            try {
                await().atMost(Queues.DEADLINE)
                        .until(() -> a.counts().partitions() > 0
                                && b.counts().partitions() > 0
                                && a.counts().partitions() + b.counts().partitions() == PARTITIONS);
                Queues.send(sender, Queues.changes("two", 1000));

                // the first hangs holding a batch it polled: its partitions go to the second
                Delivery held = workerA.holdNext();
                assertThat(held.changes()).isNotEmpty();
                a.consumerLoop().stall(true);
                await().atMost(Queues.DEADLINE).until(() -> b.counts().partitions() == PARTITIONS);
                Queues.send(sender, Queues.changes("three", 1000));
                await().atMost(Queues.DEADLINE)
                        .alias("the hung member's batch is delivered again to the other")
                        .until(() -> workerB.got.containsAll(held.changes()));

                // it comes back: its late acknowledgement is of an assignment that ended
                a.consumerLoop().stall(false);
                await().atMost(Queues.DEADLINE).until(() -> a.counts().partitions() > 0);
                long acknowledged = a.counts().acknowledged();
                a.ack(held);
                assertThat(a.counts().acknowledged())
                        .as("a late acknowledgement of a revoked partition commits nothing")
                        .isEqualTo(acknowledged);
                workerA.resume();
            } finally {
                workerB.close();
                b.close(); // leaves the group: its partitions move at once
            }
            await().atMost(Queues.DEADLINE).until(() -> a.counts().partitions() == PARTITIONS);
            Queues.send(sender, Queues.changes("four", 1000));

            List<Change> all = new ArrayList<>();
            for (String batch : List.of("one", "two", "three", "four")) {
                all.addAll(Queues.changes(batch, 1000));
            }
            await().atMost(Queues.DEADLINE).alias("every change delivered").until(() -> seen.containsAll(all));
            await().atMost(Queues.DEADLINE)
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(Queues.committed(topic, group, PARTITIONS))
                            .as("every partition committed to its end")
                            .isEqualTo(Queues.ends(topic, PARTITIONS)));
            assertThat(a.counts().released())
                    .as("the hung member's fetched records were released")
                    .isPositive();
        }
    }

    /** A worker thread: polls, records, acknowledges; on request keeps one delivery unacknowledged and pauses. */
    private static final class Worker implements AutoCloseable {
        final Set<Change> got = ConcurrentHashMap.newKeySet();
        private final Thread thread;
        private final AtomicReference<Delivery> held = new AtomicReference<>();
        private volatile boolean hold;
        private volatile boolean stop;

        Worker(KafkaChangeQueue queue, Set<Change> seen) {
            thread = new Thread(
                    () -> {
                        while (!stop) {
                            try {
                                if (hold && held.get() != null) {
                                    java.util.concurrent.locks.LockSupport.park(this);
                                    continue;
                                }
                                Delivery d = queue.poll(50, Duration.ofMillis(100), Duration.ZERO);
                                got.addAll(d.changes());
                                seen.addAll(d.changes());
                                if (hold && !d.changes().isEmpty()) {
                                    held.set(d);
                                } else {
                                    queue.ack(d);
                                }
                            } catch (InterruptedException e) {
                                return;
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    },
                    "worker-" + queue.name());
            thread.setDaemon(true);
            thread.start();
        }

        /** Keeps the next delivery unacknowledged and stops polling; returns it. */
        Delivery holdNext() {
            hold = true;
            await().atMost(Queues.DEADLINE).until(() -> held.get() != null);
            return held.get();
        }

        void resume() {
            hold = false;
            held.set(null);
            java.util.concurrent.locks.LockSupport.unpark(thread);
        }

        @Override
        public void close() {
            stop = true;
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
