package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Listeners fire exactly once per actual change: for each refresh, once for each key whose
 * definition differs from the previous refresh, never for duplicate hints or unchanged reloads.
 */
class ChangeListenerProperties {
    private static final AuditInfo AUDIT = new AuditInfo("test", "property");

    /** One step: write key k to value v (v < 0 deletes), then maybe refresh. */
    record Step(int key, int value, boolean refresh, boolean duplicateRefresh) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = net.jqwik.api.Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(-1, 2),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 40)
    void listenersFireOncePerActualChange(@ForAll("steps") List<Step> steps) throws Exception {
        InMemoryFlagStore store = new InMemoryFlagStore();
        store.put(Flag.booleanFlag("seed", true), 0, AUDIT);
        Map<String, AtomicInteger> anyEvents = new ConcurrentHashMap<>();
        AtomicInteger keyZeroEvents = new AtomicInteger();
        Map<String, Integer> expected = new HashMap<>();
        // refreshes happen only where the steps say: no push, no poll within the test
        dev.cutover.flags.spi.FlagStore pollOnly = new dev.cutover.flags.spi.FlagStore() {
            @Override
            public dev.cutover.flags.spi.StoreSnapshot load() {
                return store.load();
            }

            @Override
            public long headRevision() {
                return store.headRevision();
            }
        };
        try (FlagClient client =
                FlagClient.builder(pollOnly).pollInterval(Duration.ofHours(1)).build()) {
            FlagClient c = client;
            client.onAnyChange(e ->
                    anyEvents.computeIfAbsent(e.key(), k -> new AtomicInteger()).incrementAndGet());
            client.onChange("k0", e -> keyZeroEvents.incrementAndGet());
            Map<String, String> lastSeen = snapshotOf(store);
            for (Step s : steps) {
                String key = "k" + s.key();
                long version = store.get(key).map(r -> r.version()).orElse(0L);
                if (s.value() < 0) {
                    if (version > 0) {
                        store.delete(key, version, AUDIT);
                    }
                } else {
                    store.put(Flag.builder(key).variant("v", s.value()).build(), version, AUDIT);
                }
                if (s.refresh()) {
                    c.refreshNow();
                    if (s.duplicateRefresh()) {
                        c.refreshNow();
                    }
                    Map<String, String> now = snapshotOf(store);
                    countDifferences(lastSeen, now, expected);
                    lastSeen = now;
                }
            }
            c.refreshNow();
            countDifferences(lastSeen, snapshotOf(store), expected);
            int total = expected.values().stream().mapToInt(Integer::intValue).sum();
            Await.until(
                    "listener deliveries",
                    Duration.ofSeconds(10),
                    () -> anyEvents.values().stream()
                                    .mapToInt(AtomicInteger::get)
                                    .sum()
                            >= total);
            // no-op refreshes must not add events; a sentinel change, delivered in order after them,
            // proves every earlier event has been delivered before we compare
            c.refreshNow();
            c.refreshNow();
            store.put(Flag.booleanFlag("sentinel", true), 0, AUDIT);
            c.refreshNow();
            Await.until("sentinel delivery", Duration.ofSeconds(10), () -> anyEvents.containsKey("sentinel"));
            anyEvents.remove("sentinel");
            Map<String, Integer> actual = new HashMap<>();
            anyEvents.forEach((k, v) -> actual.put(k, v.get()));
            assertThat(actual).isEqualTo(expected);
            assertThat(keyZeroEvents.get()).isEqualTo(expected.getOrDefault("k0", 0));
        }
    }

    private static Map<String, String> snapshotOf(InMemoryFlagStore store) {
        Map<String, String> m = new HashMap<>();
        store.load().flags().forEach(f -> m.put(f.key(), f.json()));
        return m;
    }

    private static void countDifferences(
            Map<String, String> before, Map<String, String> after, Map<String, Integer> counts) {
        java.util.Set<String> keys = new java.util.HashSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(before.get(k), after.get(k))) {
                counts.merge(k, 1, Integer::sum);
            }
        }
    }
}
