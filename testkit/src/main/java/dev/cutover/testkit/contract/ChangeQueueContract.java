package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.replication.spi.ChangeQueue.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The contract of {@link ChangeQueue}, as jqwik properties and examples. A queue extends this
 * class and implements {@link #createQueue()}, which must return an empty queue that no other try
 * uses (a new queue name, topic or table).
 *
 * <p>What it checks, and what it never assumes:
 *
 * <ul>
 *   <li><b>At least once.</b> Every change an {@code offer} accepted is delivered, with its key,
 *       version, kind and payload exactly, to one of several consumers polling at once. Duplicates
 *       are allowed; no order is assumed, per key or overall: the versioned apply behind a mirror
 *       makes both harmless.
 *   <li><b>A consumer that dies mid-batch.</b> Changes polled and never acknowledged are delivered
 *       again to another consumer when the queue is {@linkplain ChangeQueue#durable() durable},
 *       within {@link #redeliveryWithin()}. A queue that is not durable hands out each change once;
 *       the others it still holds go to the next consumer, and the mirror records what a dead
 *       consumer held as dropped.
 *   <li><b>Backpressure without loss.</b> With consumers slower than producers and a short {@code
 *       offer} wait, every offer either returns true, and its change is later delivered, or
 *       returns false; none is accepted and lost.
 *   <li><b>Duplicates and any order converge.</b> A {@link Mirror} over the queue, fed a history
 *       shuffled and with duplicates, leaves every key at its newest change through the versioned
 *       apply, and drops nothing.
 *   <li><b>Prompt polls.</b> A poll of an empty queue returns an empty delivery once its wait has
 *       passed, and an interrupted poll returns promptly.
 * </ul>
 *
 * <pre>{@code
 * class MyQueueContractTest extends ChangeQueueContract {
 *   @Override protected ChangeQueue createQueue() {
 *     return new MyQueue(newQueueName());
 *   }
 *   @Override protected Duration redeliveryWithin() {
 *     return Duration.ofSeconds(5);   // the visibility timeout this test configures, and some
 *   }
 * }
 * }</pre>
 */
public abstract class ChangeQueueContract {
    private static final Duration WAIT = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** A fresh, empty queue, used by one try only. */
    protected abstract ChangeQueue createQueue() throws Exception;

    /**
     * How long after a consumer died its unacknowledged changes are delivered again (a durable
     * queue's visibility timeout or session timeout, plus slack). Not used for a queue that is not
     * durable. Default 30 s.
     */
    protected Duration redeliveryWithin() {
        return Duration.ofSeconds(30);
    }

    /** Closes a queue after a try, when it holds resources; default does nothing. */
    protected void dispose(ChangeQueue queue) throws Exception {}

    @Property(tries = 25)
    void everyAcceptedChangeIsDeliveredAtLeastOnceToConcurrentConsumers(
            @ForAll @IntRange(min = 1, max = 300) int count,
            @ForAll @IntRange(min = 1, max = 4) int consumers,
            @ForAll @IntRange(min = 1, max = 50) int batch)
            throws Exception {
        ChangeQueue queue = createQueue();
        try {
            List<Change> offered = changes("k", count);
            ExecutorService pool = Executors.newFixedThreadPool(consumers + 1);
            try {
                Set<Change> delivered = ConcurrentHashMap.newKeySet();
                Future<List<Change>> accepted = pool.submit(() -> offerAll(queue, offered));
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < consumers; i++) {
                    running.add(pool.submit(() -> consume(queue, batch, delivered, offered.size())));
                }
                List<Change> in = accepted.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                for (Future<?> f : running) {
                    f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                }
                assertThat(in).as("an offer with room never fails").hasSize(offered.size());
                assertThat(delivered)
                        .as("every accepted change, exactly as offered")
                        .containsExactlyInAnyOrderElementsOf(new HashSet<>(in));
            } finally {
                pool.shutdownNow();
            }
        } finally {
            dispose(queue);
        }
    }

    @Example
    void aConsumerThatDiesMidBatchLeavesItsChangesToTheNext() throws Exception {
        ChangeQueue queue = createQueue();
        try {
            List<Change> offered = changes("died", 10);
            assertThat(offerAll(queue, offered)).hasSize(10);

            Delivery held = pollUntil(queue, 5, 1);
            assertThat(held.changes())
                    .as("the first consumer's batch")
                    .isNotEmpty()
                    .hasSizeLessThanOrEqualTo(5);
            // the first consumer dies here: it never acknowledges what it polled

            Set<Change> second = ConcurrentHashMap.newKeySet();
            Set<Change> expected = new HashSet<>(offered);
            if (!queue.durable()) {
                expected.removeAll(held.changes());
            }
            long deadline =
                    System.nanoTime() + redeliveryWithin().plus(DEADLINE).toNanos();
            while (!second.containsAll(expected) && System.nanoTime() < deadline) {
                Delivery d = queue.poll(10, WAIT, Duration.ZERO);
                second.addAll(d.changes());
                queue.ack(d);
            }
            assertThat(second)
                    .as(
                            queue.durable()
                                    ? "a durable queue delivers the dead consumer's changes again, and the rest"
                                    : "a queue that is not durable delivers the rest, each once")
                    .containsAll(expected);
            if (!queue.durable()) {
                assertThat(second)
                        .as("held by the dead consumer: the mirror records them as dropped")
                        .doesNotContainAnyElementsOf(held.changes());
            }
        } finally {
            dispose(queue);
        }
    }

    @Property(tries = 10)
    void backpressureNeverLosesAnAcceptedChange(@ForAll @IntRange(min = 50, max = 400) int count) throws Exception {
        ChangeQueue queue = createQueue();
        try {
            List<Change> offered = changes("bp", count);
            List<Change> accepted = new ArrayList<>();
            Set<Change> collected = new HashSet<>();
            for (int i = 0; i < offered.size(); i++) {
                if (queue.offer(offered.get(i), Duration.ofMillis(1))) {
                    accepted.add(offered.get(i));
                }
                if (i % 4 == 0) { // a consumer four times slower than the producer
                    Delivery d = queue.poll(1, Duration.ZERO, Duration.ZERO);
                    collected.addAll(d.changes());
                    queue.ack(d);
                }
            }
            drainInto(queue, collected, accepted);
            assertThat(collected).as("every change whose offer returned true").containsAll(accepted);
            assertThat(new HashSet<>(accepted)).as("and nothing else").containsAll(collected);
        } finally {
            dispose(queue);
        }
    }

    /**
     * A mirror over this queue, fed a history shuffled and with duplicates, converges: every key
     * ends at its newest change (a delete as a tombstone), whatever order the queue delivered in.
     */
    @Property(tries = 10)
    void duplicatesAndAnyOrderConvergeThroughTheVersionedApply(
            @ForAll @IntRange(min = 1, max = 200) int count,
            @ForAll @IntRange(min = 0, max = 50) int duplicatePercent,
            @ForAll Random random)
            throws Exception {
        ChangeQueue queue = createQueue();
        try {
            List<Change> history = changes("conv", count);
            List<Change> delivered = new ArrayList<>(history);
            for (Change c : history) {
                if (random.nextInt(100) < duplicatePercent) {
                    delivered.add(c);
                }
            }
            Collections.shuffle(delivered, random);
            InMemoryVersionedTarget target = new InMemoryVersionedTarget();
            Mirror<Change> mirror = Mirror.to(target)
                    .<Change>mappingOne(Optional::of)
                    .name("contract")
                    .queue(queue)
                    .maxBlock(DEADLINE)
                    .workers(2)
                    .batchSize(1 + random.nextInt(50))
                    .build();
            try {
                delivered.forEach(mirror::observe);
                Map<String, Change> newest = new TreeMap<>();
                for (Change c : history) {
                    newest.merge(c.key(), c, (a, b) -> a.version() >= b.version() ? a : b);
                }
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                List<String> expected =
                        newest.values().stream().map(ChangeQueueContract::text).toList();
                while (!stored(target).equals(expected) && System.nanoTime() < deadline) {
                    mirror.awaitQuiet(WAIT);
                }
                assertThat(stored(target))
                        .as("each key at its newest change, after %s deliveries", delivered.size())
                        .containsExactlyElementsOf(expected);
                assertThat(mirror.counts().dropped()).as("nothing dropped").isZero();
            } finally {
                mirror.close(DEADLINE);
            }
        } finally {
            dispose(queue);
        }
    }

    @Example
    void aPollOfAnEmptyQueueReturnsEmptyOnceItsWaitHasPassed() throws Exception {
        ChangeQueue queue = createQueue();
        try {
            long start = System.nanoTime();
            Delivery d = queue.poll(10, Duration.ofMillis(100), Duration.ZERO);
            assertThat(d.changes()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("returned after its wait")
                    .isLessThan(Duration.ofSeconds(20));
            queue.ack(d);
            assertThat(queue.depth())
                    .as("depth: -1 when unknown, else what is queued")
                    .isIn(-1L, 0L);
        } finally {
            dispose(queue);
        }
    }

    @Example
    void anInterruptedPollReturnsPromptly() throws Exception {
        ChangeQueue queue = createQueue();
        try {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> polling = pool.submit(() -> queue.poll(10, Duration.ofMinutes(5), Duration.ZERO));
                pool.shutdownNow(); // interrupts the poller
                assertThat(pool.awaitTermination(20, TimeUnit.SECONDS))
                        .as("the poller ended")
                        .isTrue();
                assertThat(polling.isDone()).isTrue();
            } finally {
                pool.shutdownNow();
            }
        } finally {
            dispose(queue);
        }
    }

    /** What the target holds, key order, as {@link #text}. */
    private static List<String> stored(InMemoryVersionedTarget target) {
        return target.all().stream().map(ChangeQueueContract::text).toList();
    }

    /** A change with its payload as JSON text: a stored copy may hold the same numbers in other node types. */
    private static String text(Change c) {
        return c.kind() + " " + c.key() + " v" + c.version() + " " + c.payload();
    }

    /** Distinct changes: upserts and deletes, several versions of some keys, payloads that differ. */
    private static List<Change> changes(String prefix, int count) {
        List<Change> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = prefix + "-" + (i % Math.max(1, count / 3));
            long version = i + 1L;
            out.add(
                    i % 7 == 3
                            ? Change.delete(key, version)
                            : Change.upsert(
                                    key,
                                    version,
                                    JsonNodeFactory.instance
                                            .objectNode()
                                            .put("n", i)
                                            .put("text", "é\u00a0\"q\" " + i)
                                            .putNull("none")));
        }
        return out;
    }

    private static List<Change> offerAll(ChangeQueue queue, List<Change> changes) throws Exception {
        List<Change> accepted = new ArrayList<>();
        for (Change c : changes) {
            if (queue.offer(c, DEADLINE)) {
                accepted.add(c);
            }
        }
        return accepted;
    }

    private static Void consume(ChangeQueue queue, int batch, Set<Change> delivered, int expected) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (delivered.size() < expected && System.nanoTime() < deadline) {
            Delivery d = queue.poll(batch, WAIT, Duration.ofMillis(5));
            delivered.addAll(d.changes());
            queue.ack(d);
        }
        return null;
    }

    private static Delivery pollUntil(ChangeQueue queue, int max, int atLeast) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            Delivery d = queue.poll(max, WAIT, Duration.ofMillis(20));
            if (d.changes().size() >= atLeast) {
                return d;
            }
        }
        throw new AssertionError("nothing delivered within " + DEADLINE);
    }

    private static void drainInto(ChangeQueue queue, Set<Change> into, Collection<Change> expected) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!into.containsAll(expected) && System.nanoTime() < deadline) {
            Delivery d = queue.poll(64, WAIT, Duration.ZERO);
            into.addAll(d.changes());
            queue.ack(d);
        }
    }
}
