package dev.cutover.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import dev.cutover.testsupport.LocalDynamoDb;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Under concurrent appliers delivering the same history in their own orders, with a reader
 * watching: no reader ever sees a key's version go down, a key that reached its final tombstone
 * never comes back, and the table ends on the last change of every key.
 */
class ConcurrentApplyProperties {
    private static final String TABLE = "concurrent-apply";
    private static final AtomicInteger TRIES = new AtomicInteger();

    static {
        DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE).build().createTableIfMissing();
    }

    @Property(tries = 8)
    void versionsNeverDecreaseAndFinalDeletesStay(@ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int appliers)
            throws Exception {
        Random random = new Random(seed);
        List<Change> history = new ArrayList<>();
        Map<String, Change> last = new HashMap<>();
        for (int v = 1; v <= 40; v++) {
            String key = "k" + random.nextInt(6);
            Change c = random.nextInt(4) == 0
                    ? Change.delete(key, v)
                    : Change.upsert(
                            key, v, JsonNodeFactory.instance.objectNode().put("v", (long) v));
            history.add(c);
            last.put(key, c);
        }
        try (DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE)
                .keyPrefix("p" + TRIES.incrementAndGet() + "/")
                .maxInFlight(4)
                .build()) {
            ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(appliers + 1);
            try {
                CountDownLatch go = new CountDownLatch(1);
                Future<?> watcher = pool.submit(() -> {
                    Map<String, Change> seen = new HashMap<>();
                    go.await();
                    while (!done.get()) {
                        for (String key : last.keySet()) {
                            Optional<Change> now = target.read(key);
                            Change before = seen.get(key);
                            if (before != null && (now.isEmpty() || now.get().version() < before.version())) {
                                violations.add(key + " went from " + before + " to " + now);
                            }
                            Change finalChange = last.get(key);
                            if (before != null
                                    && before.equals(finalChange)
                                    && finalChange.isDelete()
                                    && now.isPresent()
                                    && !now.get().isDelete()) {
                                violations.add(key + " came back after its final delete: " + now.get());
                            }
                            now.ifPresent(c -> seen.put(key, c));
                        }
                    }
                    return null;
                });
                List<Future<?>> runs = new ArrayList<>();
                for (int a = 0; a < appliers; a++) {
                    List<Change> order = new ArrayList<>(history);
                    order.addAll(history.subList(0, history.size() / 3)); // duplicates
                    Collections.shuffle(order, new Random(seed + a));
                    runs.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < order.size(); i += 7) {
                            target.apply(order.subList(i, Math.min(order.size(), i + 7)));
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> run : runs) {
                    run.get();
                }
                done.set(true);
                watcher.get();
            } finally {
                pool.shutdownNow();
            }
            assertThat(violations).isEmpty();
            for (Change want : last.values()) {
                assertThat(target.read(want.key())).contains(want);
            }
        }
    }
}
