package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Readers racing a stream of refreshes: every flag of revision r carries the value r, so a reader
 * that saw two different values in one {@code allFlags} call saw a torn snapshot, and a reader whose
 * revisions went down saw the client go back.
 */
class SnapshotConsistencyProperties {

    @Property(tries = 8)
    void readersNeverSeeMixedOrOlderSnapshots(
            @ForAll @IntRange(min = 1, max = 40) int flagCount,
            @ForAll @IntRange(min = 20, max = 120) int refreshes,
            @ForAll @IntRange(min = 1, max = 3) int readers)
            throws Exception {
        ScriptedStore store = new ScriptedStore();
        publishRevision(store, flagCount);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        try (FlagClient client = FlagClient.builder(store).build()) {
            CountDownLatch started = new CountDownLatch(readers);
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                Thread t = new Thread(() -> {
                    long lastRevision = 0;
                    EvaluationContext ctx = EvaluationContext.of("reader");
                    started.countDown();
                    while (!done.get()) {
                        FlagsState state = client.allFlags(ctx);
                        if (state.revision() < lastRevision) {
                            violations.add("revision went back " + lastRevision + " -> " + state.revision());
                        }
                        lastRevision = state.revision();
                        for (Evaluation<?> e : state.evaluations().values()) {
                            long value = ((com.fasterxml.jackson.databind.JsonNode) e.value()).asLong();
                            if (value != state.revision()) {
                                violations.add("revision " + state.revision() + " carried value " + value);
                            }
                        }
                        long single = client.intValue("f0", ctx, -1);
                        if (single < lastRevision && single != -1) {
                            violations.add("single read " + single + " older than seen " + lastRevision);
                        }
                    }
                });
                threads.add(t);
                t.start();
            }
            started.await();
            for (int i = 0; i < refreshes; i++) {
                publishRevision(store, flagCount);
                client.refreshNow();
            }
            done.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(client.status().revision()).isEqualTo(refreshes + 1L);
        }
        assertThat(violations).isEmpty();
    }

    private static void publishRevision(ScriptedStore store, int flagCount) {
        long next = store.data.get().revision() + 1;
        Flag[] flags = new Flag[flagCount];
        for (int i = 0; i < flagCount; i++) {
            flags[i] = Flag.builder("f" + i).variant("v", next).build();
        }
        store.publish(flags);
    }
}
