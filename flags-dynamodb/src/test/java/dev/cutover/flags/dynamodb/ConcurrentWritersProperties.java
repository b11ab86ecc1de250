package dev.cutover.flags.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Flag;
import dev.cutover.flags.VariantType;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.testsupport.LocalDynamoDb;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Operators writing one flag at once from separate store instances: each write is a
 * read-modify-write of a counter, retried on conflict. Exactly the successful writes are in the
 * history, versions never repeat, and no increment is lost.
 */
class ConcurrentWritersProperties {
    private static final String TABLE = "cutover-concurrent";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    static {
        DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE).build().createTableIfMissing();
    }

    @Property(tries = 8)
    void historyIsCompleteAndVersionsNeverRepeat(
            @ForAll @IntRange(min = 2, max = 4) int writers, @ForAll @IntRange(min = 2, max = 6) int increments)
            throws Exception {
        String prefix = "w" + PREFIXES.incrementAndGet();
        DynamoDbFlagStore seed = DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE)
                .keyPrefix(prefix)
                .build();
        seed.put(counter(0), 0, new AuditInfo("seed", "start"));
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicInteger conflicts = new AtomicInteger();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String actor = "writer-" + w;
                DynamoDbFlagStore store = DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE)
                        .keyPrefix(prefix)
                        .build();
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            RawFlag current = store.get("counter").orElseThrow();
                            int value = Flag.fromJson(current.json())
                                    .variant("value")
                                    .orElseThrow()
                                    .intValue();
                            try {
                                store.put(counter(value + 1), current.version(), new AuditInfo(actor, "increment"));
                                break;
                            } catch (FlagWriteConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int total = writers * increments;
        RawFlag last = seed.get("counter").orElseThrow();
        assertThat(Flag.fromJson(last.json()).variant("value").orElseThrow().intValue())
                .isEqualTo(total);
        assertThat(last.version()).isEqualTo(total + 1L);
        List<AuditRecord> history = new ArrayList<>();
        String token = null;
        do {
            AuditPage page = seed.history("counter", token, 5);
            history.addAll(page.records());
            token = page.nextPageToken();
        } while (token != null);
        assertThat(history).hasSize(total + 1);
        Set<Long> versions = new HashSet<>();
        for (int i = 0; i < history.size(); i++) {
            assertThat(versions.add(history.get(i).version()))
                    .as("version repeated")
                    .isTrue();
            assertThat(history.get(i).version()).isEqualTo(total + 1L - i);
        }
    }

    private static Flag counter(int value) {
        return Flag.builder("counter")
                .type(VariantType.NUMBER)
                .variant("value", value)
                .build();
    }
}
