package dev.cutover.benchmarks.overload;

import dev.cutover.benchmarks.Account;
import dev.cutover.benchmarks.Accounts;
import dev.cutover.benchmarks.Mains;
import dev.cutover.benchmarks.Percentiles;
import dev.cutover.benchmarks.SimulatedAccounts;
import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Stage;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.Gap;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shadow writes under overload: callers write at a fixed rate about ten times what the shadow side
 * absorbs, through Cutover's proxy in {@code SHADOW} and, for the baseline, to the old store
 * directly at the same rate. A plain program, run by hand; see the README's "Shadow writes under
 * overload" section.
 *
 * <p><b>Load.</b> The old store busy-waits a small fixed time per write on the caller's thread; the
 * new store parks 1 ms per write and the proxy has one shadow thread, so the shadow side absorbs
 * under 1,000 writes a second. {@code callers} threads share an open-loop schedule: write {@code j}
 * is due at {@code t0 + j / rate}, thread {@code j % callers} sends it, and its latency is measured
 * from that due time, not from when the thread got to it, so a caller that falls behind shows as
 * latency (no coordinated omission). Each write stores a new value (its write number as the
 * balance), on a key drawn at random from {@code keys}, so keys are written several times and a
 * lost or reordered shadow write leaves the stores different.
 *
 * <p><b>Zero loss.</b> After the run the proxy is drained ({@code awaitIdle}) and every key is
 * compared between the two stores. A key that differs must have a pending entry in the journal or
 * lie in an open gap ({@code journal.openGaps(now)}) that overlaps its writes; any other is
 * <i>unrecorded</i>, and the program exits with status 1. The journal must also hold at most one
 * entry per distinct key written (it coalesces).
 */
public final class ShadowWriteOverload {

    private static final String FLAG = "accounts.migration";
    private static final String REPOSITORY = "Accounts";

    private ShadowWriteOverload() {}

    /**
     * What one run does; {@link #standard()} reads each from a system property {@code overload.*}.
     *
     * @param keys distinct keys writes are drawn from
     * @param callers caller threads sharing the schedule
     * @param rate writes per second, all callers together
     * @param oldLatency the old store's busy-wait per write, on the caller's thread
     * @param newLatency the new store's park per write, on the shadow thread
     * @param shadowThreads the proxy's shadow threads
     * @param shadowQueue the proxy's shadow queue
     * @param shadowTimeout the proxy's shadow budget
     * @param pendingKeysBound the proxy's bound on keys waiting for the journal
     * @param warmup each system's unmeasured phase before the rounds
     * @param phase each measured phase
     * @param rounds measured rounds; each runs the direct store and the proxy, in alternating order
     */
    public record Settings(
            int keys,
            int callers,
            int rate,
            Duration oldLatency,
            Duration newLatency,
            int shadowThreads,
            int shadowQueue,
            Duration shadowTimeout,
            int pendingKeysBound,
            Duration warmup,
            Duration phase,
            int rounds) {

        /** The recorded run's settings, each overridable by {@code -Doverload.<name>=}. */
        public static Settings standard() {
            return new Settings(
                    Integer.getInteger("overload.keys", 50_000),
                    Integer.getInteger("overload.callers", 8),
                    Integer.getInteger("overload.rate", 10_000),
                    Duration.ofNanos(Long.getLong("overload.oldLatencyNanos", 10_000)),
                    Duration.ofNanos(Long.getLong("overload.newLatencyNanos", 1_000_000)),
                    Integer.getInteger("overload.shadowThreads", 1),
                    Integer.getInteger("overload.shadowQueue", 1_000),
                    Duration.ofMillis(Long.getLong("overload.shadowTimeoutMillis", 1_000)),
                    Integer.getInteger("overload.pendingKeysBound", 1_000_000),
                    Duration.ofMillis(Long.getLong("overload.warmupMillis", 3_000)),
                    Duration.ofMillis(Long.getLong("overload.phaseMillis", 10_000)),
                    Integer.getInteger("overload.rounds", 1));
        }
    }

    /** Latencies of one system over its measured phases, in ns, sorted. */
    record Latencies(
            String system,
            long[] fromDue,
            long[] service,
            long[] lateStart,
            long writes,
            double rate,
            double callerBytesPerWrite) {

        /** The nearest-rank {@code q} quantile of {@code sorted}; 0 when it is empty. */
        long p(long[] sorted, double q) {
            return sorted.length == 0 ? 0 : Percentiles.nearestRank(sorted, q);
        }
    }

    /**
     * The zero-loss check after draining.
     *
     * @param writes writes through the proxy, warm-up included
     * @param distinctKeys keys written at least once
     * @param differing keys whose stores differ
     * @param journaledDiffering of those, keys with a pending journal entry
     * @param gapDiffering of those, keys without an entry but inside an open gap
     * @param unrecorded of those, keys in neither: lost
     * @param journaledEqual keys with a pending entry whose stores are equal (a repair finds nothing)
     * @param pendingEntries pending journal entries
     * @param openGaps open gaps (the live run's record excluded)
     * @param examples up to 10 unrecorded keys with both stores' values
     */
    record Check(
            long writes,
            int distinctKeys,
            int differing,
            int journaledDiffering,
            int gapDiffering,
            int unrecorded,
            int journaledEqual,
            long pendingEntries,
            List<Gap> openGaps,
            List<String> examples) {}

    /**
     * Everything a run measured.
     *
     * @param counts the proxy's counts after draining
     * @param journal the proxy's journal status after draining
     * @param idle whether the proxy drained within its bound
     * @param closedCleanly whether the proxy closed with nothing cancelled and its run record removed
     */
    record Report(
            Settings settings,
            String environment,
            String loadBefore,
            String loadAfter,
            Latencies direct,
            Latencies proxy,
            Check check,
            DualWriteControl.Counts counts,
            DualWriteControl.JournalStatus journal,
            boolean idle,
            boolean closedCleanly) {}

    /** Runs the standard settings; exit status 1 when a key is unrecorded or the run fails. */
    public static void main(String[] args) {
        Mains.run(
                "shadow writes under overload",
                () -> {
                    Report r = run(Settings.standard(), System.out);
                    String markdown = markdown(r);
                    String failure = failure(r);
                    if (failure != null) {
                        System.out.println(markdown);
                        throw new IllegalStateException(failure);
                    }
                    return markdown;
                },
                () -> {});
    }

    /** Why the run fails its zero-loss checks, or null. */
    static String failure(Report r) {
        Check c = r.check();
        if (c.unrecorded() > 0) {
            return "unrecorded: " + c.unrecorded()
                    + " key(s) differ between the stores with no journal entry and no gap";
        }
        if (c.pendingEntries() > c.distinctKeys()) {
            return "the journal holds " + c.pendingEntries() + " entries for " + c.distinctKeys() + " distinct keys";
        }
        if (!r.idle()) {
            return "the proxy did not drain within its bound";
        }
        return null;
    }

    /** Measures the direct store and the proxy, then drains the proxy and checks every key. */
    public static Report run(Settings s, PrintStream log) throws Exception {
        String loadBefore = Mains.loadAverage();
        log.println("load average at start: " + loadBefore);
        String environment =
                Mains.environment("shadow writes under overload", "") + String.format(Locale.ROOT, "%n  %s", s);
        log.println(environment);
        String[] ids = new String[s.keys()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = String.format(Locale.ROOT, "acct-%06d", i);
        }
        KeyWindows windows = new KeyWindows(s.keys());
        AtomicLong sequence = new AtomicLong();
        SimulatedAccounts directOld = SimulatedAccounts.spinning(s.oldLatency(), List.of());
        SimulatedAccounts old = SimulatedAccounts.spinning(s.oldLatency(), List.of());
        SimulatedAccounts neu = SimulatedAccounts.parking(s.newLatency(), List.of());
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        InMemoryFlagStore flagStore = new InMemoryFlagStore();
        flagStore.put(Flag.stringFlag(FLAG, Stage.SHADOW.name()), 0, new AuditInfo("benchmarks", "overload"));
        FlagClient flags = FlagClient.builder(flagStore).build();
        try {
            Accounts proxy = DualWrite.of(Accounts.class)
                    .oldStore(old)
                    .newStore(neu)
                    .stageFlag(flags, FLAG)
                    .entityKey("save", a -> ((Account) a[0]).id())
                    .shadowThreads(s.shadowThreads())
                    .shadowQueue(s.shadowQueue())
                    .shadowTimeout(s.shadowTimeout())
                    .pendingKeysBound(s.pendingKeysBound())
                    .journal(journal)
                    .build();
            DualWriteControl control = DualWrite.control(proxy);
            Phase.run("warm-up direct", directOld, s, s.warmup(), ids, sequence, null, 1, log);
            Phase.run("warm-up proxy", proxy, s, s.warmup(), ids, sequence, windows, 2, log);
            List<Phase> directPhases = new ArrayList<>();
            List<Phase> proxyPhases = new ArrayList<>();
            for (int r = 0; r < s.rounds(); r++) {
                long seed = 100 + r * 10L;
                if (r % 2 == 0) {
                    directPhases.add(Phase.run(
                            "round " + (r + 1) + " direct", directOld, s, s.phase(), ids, sequence, null, seed, log));
                    proxyPhases.add(Phase.run(
                            "round " + (r + 1) + " proxy", proxy, s, s.phase(), ids, sequence, windows, seed + 1, log));
                } else {
                    proxyPhases.add(Phase.run(
                            "round " + (r + 1) + " proxy", proxy, s, s.phase(), ids, sequence, windows, seed + 1, log));
                    directPhases.add(Phase.run(
                            "round " + (r + 1) + " direct", directOld, s, s.phase(), ids, sequence, null, seed, log));
                }
            }
            long drainStart = System.nanoTime();
            boolean idle = control.awaitIdle(Duration.ofSeconds(60));
            log.printf(
                    Locale.ROOT, "drained in %d ms (idle: %s)%n", (System.nanoTime() - drainStart) / 1_000_000, idle);
            DualWriteControl.Counts counts = control.counts();
            DualWriteControl.JournalStatus status = control.journalStatus();
            Check check = check(ids, old, neu, journal, windows, s.shadowTimeout(), Instant.now());
            log.println("counts: " + counts);
            log.println("journal status: " + status);
            log.println("check: " + check);
            log.println("unrecorded: " + check.unrecorded());
            boolean closed = control.close(Duration.ofSeconds(10));
            boolean runRecordRemoved = journal.gaps().stream().noneMatch(g -> g.kind() == Gap.Kind.RUN);
            log.println("closed cleanly: " + closed + ", run record removed: " + runRecordRemoved);
            String loadAfter = Mains.loadAverage();
            log.println("load average at end: " + loadAfter);
            return new Report(
                    s,
                    environment,
                    loadBefore,
                    loadAfter,
                    Phase.merge("old store directly", directPhases),
                    Phase.merge("through the proxy (SHADOW)", proxyPhases),
                    check,
                    counts,
                    status,
                    idle,
                    closed && runRecordRemoved);
        } finally {
            flags.close();
            flagStore.close();
        }
    }

    /**
     * Compares every key between the stores and sorts the differing ones into journaled, in a gap,
     * and unrecorded. Package-private so the test can check it against a journal with an entry
     * removed.
     */
    static Check check(
            String[] ids,
            SimulatedAccounts old,
            SimulatedAccounts neu,
            InMemoryFailedWriteJournal journal,
            KeyWindows windows,
            Duration budget,
            Instant now)
            throws Exception {
        Set<String> pendingKeys = new HashSet<>();
        List<JournalEntry> pending = journal.pending();
        for (JournalEntry e : pending) {
            FailedWrite w = e.write();
            if (w.repository().equals(REPOSITORY) && w.target() == FailedWrite.Target.NEW) {
                pendingKeys.add(w.entityKey());
            }
        }
        List<Gap> gaps = journal.openGaps(now);
        int distinct = 0;
        int differing = 0;
        int journaledDiffering = 0;
        int gapDiffering = 0;
        int unrecorded = 0;
        int journaledEqual = 0;
        List<String> examples = new ArrayList<>();
        for (int k = 0; k < ids.length; k++) {
            Account a = old.peek(ids[k]);
            Account b = neu.peek(ids[k]);
            if (a != null) {
                distinct++;
            }
            boolean journaled = pendingKeys.contains(ids[k]);
            if (Objects.equals(a, b)) {
                journaledEqual += journaled ? 1 : 0;
                continue;
            }
            differing++;
            if (journaled) {
                journaledDiffering++;
            } else if (windows.inGap(k, gaps, budget)) {
                gapDiffering++;
            } else {
                unrecorded++;
                if (examples.size() < 10) {
                    examples.add(ids[k] + ": old " + a + ", new " + b);
                }
            }
        }
        return new Check(
                windows.writes(),
                distinct,
                differing,
                journaledDiffering,
                gapDiffering,
                unrecorded,
                journaledEqual,
                journal.pendingCount(),
                gaps,
                examples);
    }

    static String us(long nanos) {
        return String.format(Locale.ROOT, "%.1f µs", nanos / 1000.0);
    }

    /** The results as Markdown, as the README shows them. */
    static String markdown(Report r) {
        StringBuilder m = new StringBuilder();
        m.append(r.environment())
                .append("\n\nload average (1, 5, 15 min): ")
                .append(r.loadBefore())
                .append(" at start, ")
                .append(r.loadAfter())
                .append(" at end\n\n");
        m.append(
                "| Writes | writes | per s | p50 | p90 | p99 | p99.9 | max | service p50 | service p99 | service p99.9 |"
                        + " caller B/write |\n");
        m.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Latencies l : List.of(r.direct(), r.proxy())) {
            m.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %.0f |%n",
                    l.system(),
                    l.writes(),
                    l.rate(),
                    us(l.p(l.fromDue(), 0.5)),
                    us(l.p(l.fromDue(), 0.9)),
                    us(l.p(l.fromDue(), 0.99)),
                    us(l.p(l.fromDue(), 0.999)),
                    us(l.fromDue()[l.fromDue().length - 1]),
                    us(l.p(l.service(), 0.5)),
                    us(l.p(l.service(), 0.99)),
                    us(l.p(l.service(), 0.999)),
                    l.callerBytesPerWrite()));
        }
        long p99Diff =
                r.proxy().p(r.proxy().fromDue(), 0.99) - r.direct().p(r.direct().fromDue(), 0.99);
        m.append(String.format(
                Locale.ROOT,
                "%np99 through the proxy minus p99 direct: %s (target ≤ 20 µs: %s)%n",
                us(p99Diff),
                p99Diff <= 20_000 ? "met" : "NOT met"));
        DualWriteControl.Counts c = r.counts();
        long missed = c.shadowWritesMissed().values().stream()
                .mapToLong(Long::longValue)
                .sum();
        m.append(String.format(
                Locale.ROOT,
                "%nshadow writes %,d: succeeded %,d, missed %,d %s%n",
                c.shadowWritesSucceeded() + missed,
                c.shadowWritesSucceeded(),
                missed,
                c.shadowWritesMissed()));
        DualWriteControl.JournalStatus j = r.journal();
        m.append(String.format(
                Locale.ROOT,
                "journal: %,d appended by the ledger, %,d waiting, %,d journal errors,"
                        + " %,d past the bound, gap opened: %s%n",
                j.journaled(),
                j.waiting(),
                j.journalErrors(),
                j.pastBound(),
                j.gapOpened()));
        Check k = r.check();
        m.append(String.format(
                Locale.ROOT,
                "%n| Check | count |%n| --- | ---: |%n"
                        + "| writes through the proxy (warm-up included) | %,d |%n| distinct keys written | %,d |%n"
                        + "| journal entries pending | %,d |%n| keys whose stores differ | %,d |%n"
                        + "| … with a pending journal entry | %,d |%n| … inside an open gap | %,d |%n"
                        + "| **… unrecorded** | **%,d** |%n| keys journaled whose stores are equal | %,d |%n"
                        + "| open gaps | %d |%n",
                k.writes(),
                k.distinctKeys(),
                k.pendingEntries(),
                k.differing(),
                k.journaledDiffering(),
                k.gapDiffering(),
                k.unrecorded(),
                k.journaledEqual(),
                k.openGaps().size()));
        m.append(String.format(
                Locale.ROOT,
                "%nunrecorded: %d%njournal size %,d ≤ distinct keys %,d: %s%n"
                        + "drained: %s; closed cleanly, run record removed: %s%n",
                k.unrecorded(),
                k.pendingEntries(),
                k.distinctKeys(),
                k.pendingEntries() <= k.distinctKeys(),
                r.idle(),
                r.closedCleanly()));
        for (String e : k.examples()) {
            m.append("  unrecorded ").append(e).append('\n');
        }
        return m.toString();
    }
}
