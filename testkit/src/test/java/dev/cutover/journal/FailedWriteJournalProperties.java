package dev.cutover.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.FailedWrite.Reason;
import dev.cutover.journal.FailedWrite.Target;
import dev.cutover.testsupport.H2Databases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Any interleaving of appends and resolves leaves a journal in the model's state (an append replaces
 * the pending entry of its repository, key and target): pending holds
 * the appended entries minus the resolved ones, in id order, page by page, and pendingCount is
 * their number. Resolves pick known ids, already resolved ids and ids not yet given out (which
 * must not resolve the entry that gets that id later).
 */
class FailedWriteJournalProperties {
    private static final TestPool H2 =
            new TestPool(H2Databases.createDatabase("journal_properties").dataSource(), 2, true);
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @AfterContainer
    static void closePool() throws Exception {
        H2.close();
    }

    /** One step of a generated history. */
    sealed interface Op permits Append, Resolve {}

    /** Appends the write. */
    record Append(FailedWrite write) implements Op {}

    /**
     * Resolves ids picked from those appended so far ({@code picks}, taken modulo their number),
     * and ids above the last one given out ({@code ahead}: last id + 1 + each).
     */
    record Resolve(List<Integer> picks, List<Integer> ahead) implements Op {}

    @Property(tries = 150)
    void inMemoryJournalFollowsTheModel(
            @ForAll("histories") List<Op> history, @ForAll @IntRange(min = 1, max = 5) int pageSize) throws Exception {
        replay(new InMemoryFailedWriteJournal(), history, pageSize);
    }

    @Property(tries = 100)
    void h2JournalFollowsTheModel(
            @ForAll("histories") List<Op> history, @ForAll @IntRange(min = 1, max = 5) int pageSize) throws Exception {
        JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(H2)
                .tablePrefix("p" + PREFIXES.incrementAndGet() + "_")
                .build();
        journal.createSchemaIfMissing();
        replay(journal, history, pageSize);
        assertThat(H2.outstanding()).isZero();
    }

    private static void replay(FailedWriteJournal journal, List<Op> history, int pageSize) throws Exception {
        TreeMap<Long, FailedWrite> model = new TreeMap<>();
        List<Long> given = new ArrayList<>();
        for (Op op : history) {
            if (op instanceof Append a) {
                long id = journal.append(a.write());
                if (!given.isEmpty()) {
                    assertThat(id).isGreaterThan(given.get(given.size() - 1));
                }
                given.add(id);
                // coalescing: the new entry replaces the pending one of the same repository, key and target
                model.values()
                        .removeIf(w -> w.repository().equals(a.write().repository())
                                && java.util.Objects.equals(
                                        w.entityKey(), a.write().entityKey())
                                && w.target() == a.write().target());
                model.put(id, a.write());
            } else if (op instanceof Resolve r) {
                List<Long> ids = new ArrayList<>();
                long last = given.isEmpty() ? 0 : given.get(given.size() - 1);
                if (!given.isEmpty()) {
                    r.picks().forEach(p -> ids.add(given.get(p % given.size())));
                }
                r.ahead().forEach(p -> ids.add(last + 1 + p));
                journal.resolve(ids);
                ids.forEach(model::remove);
            }
            assertThat(journal.pendingCount()).isEqualTo(model.size());
            assertThat(journal.pending(0, Integer.MAX_VALUE)).isEqualTo(entries(model));
        }
        List<JournalEntry> paged = new ArrayList<>();
        long after = 0;
        for (List<JournalEntry> page; !(page = journal.pending(after, pageSize)).isEmpty(); ) {
            assertThat(page).hasSizeLessThanOrEqualTo(pageSize);
            paged.addAll(page);
            after = page.get(page.size() - 1).id();
        }
        assertThat(paged).isEqualTo(entries(model));
    }

    private static List<JournalEntry> entries(TreeMap<Long, FailedWrite> model) {
        return model.entrySet().stream()
                .map((Map.Entry<Long, FailedWrite> e) -> new JournalEntry(e.getKey(), e.getValue()))
                .collect(Collectors.toList());
    }

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Op> append = writes().map(Append::new);
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 1_000);
        Arbitrary<Op> resolve = Combinators.combine(
                        index.list().ofMaxSize(6),
                        Arbitraries.integers().between(0, 3).list().ofMaxSize(2))
                .as(Resolve::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, append), net.jqwik.api.Tuple.of(2, resolve))
                .list()
                .ofMinSize(1)
                .ofMaxSize(30);
    }

    private static Arbitrary<FailedWrite> writes() {
        Arbitrary<String> key = Arbitraries.strings()
                .withCharRange('a', 'z')
                .withChars('0', '9', '-', ' ', '\'', '"', '\\', '%', 'é', '日', '\u00df')
                .ofMaxLength(24)
                .injectNull(0.15);
        Arbitrary<Instant> at = Arbitraries.longs()
                .between(
                        Instant.parse("2000-01-01T00:00:00Z").toEpochMilli(),
                        Instant.parse("2100-01-01T00:00:00Z").toEpochMilli())
                .map(Instant::ofEpochMilli);
        return Combinators.combine(
                        Arbitraries.of("OrderRepository", "CustomerRepository"),
                        Arbitraries.of("save", "delete", "updateStatus"),
                        key,
                        Arbitraries.of(Target.class),
                        Arbitraries.of(Reason.class),
                        Arbitraries.strings()
                                .alpha()
                                .numeric()
                                .withChars(' ', ':', '.')
                                .ofMaxLength(60),
                        at)
                .as(FailedWrite::new);
    }
}
