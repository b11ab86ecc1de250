package dev.cutover.benchmarks;

import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Stage;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Cutover's dual-write proxy of {@link Accounts} over an old and a new store, its stage flag a
 * string flag in a {@link FlagClient} over an {@link InMemoryFlagStore}. Everything else is the
 * builder's default (4 shadow threads, a queue of 1,000, a 1 s budget, the default breaker and
 * comparison), except the comparison when given. The in-memory journal is passed explicitly, which
 * keeps {@code build()} from warning that it is not durable and lets the summary count its entries;
 * reads never journal, missed shadow writes do.
 */
public final class CutoverDualWrite implements AutoCloseable {

    /** The stage flag's key. */
    public static final String FLAG = "accounts.migration";

    private final InMemoryFlagStore flagStore = new InMemoryFlagStore();
    private final FlagClient flags;
    private final Accounts accounts;
    private final DualWriteControl control;
    private final InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();

    /** A proxy at {@code stage} comparing every shadow read. */
    public CutoverDualWrite(Accounts oldStore, Accounts newStore, Stage stage) throws Exception {
        this(oldStore, newStore, stage, Comparison.defaults());
    }

    /** A proxy at {@code stage} with {@code comparison}. */
    public CutoverDualWrite(Accounts oldStore, Accounts newStore, Stage stage, Comparison comparison) throws Exception {
        flagStore.put(Flag.stringFlag(FLAG, stage.name()), 0, new AuditInfo("benchmarks", "setup"));
        flags = FlagClient.builder(flagStore).build();
        accounts = DualWrite.of(Accounts.class)
                .oldStore(oldStore)
                .newStore(newStore)
                .stageFlag(flags, FLAG)
                .entityKey("save", args -> ((Account) args[0]).id())
                .comparison(comparison)
                .journal(journal)
                .build();
        control = DualWrite.control(accounts);
    }

    /** The proxy: an {@link Accounts}. */
    public Accounts accounts() {
        return accounts;
    }

    /** The journal of missed shadow writes' keys. */
    public InMemoryFailedWriteJournal journal() {
        return journal;
    }

    /** The proxy's control. */
    public DualWriteControl control() {
        return control;
    }

    /**
     * Waits up to 10 s for the shadow work to drain, so {@link DualWriteControl#counts()} covers
     * every call made, and returns a one-line summary of the shadow outcomes.
     */
    public String drainAndSummarize() throws InterruptedException {
        boolean idle = control.awaitIdle(Duration.ofSeconds(10));
        DualWriteControl.Counts c = control.counts();
        long reads =
                c.comparisons().values().stream().mapToLong(Long::longValue).sum();
        long missed = c.shadowWritesMissed().values().stream()
                .mapToLong(Long::longValue)
                .sum();
        long writes = c.shadowWritesSucceeded() + missed;
        StringBuilder s = new StringBuilder(idle ? "" : "(not idle after 10 s) ");
        if (reads > 0) {
            s.append("shadow reads ")
                    .append(reads)
                    .append(' ')
                    .append(nonZero(c.comparisons()))
                    .append(", shed ")
                    .append(percent(c.comparisons(ComparisonReport.Outcome.SHED), reads));
        }
        if (writes > 0) {
            s.append(reads > 0 ? "; " : "")
                    .append("shadow writes ")
                    .append(writes)
                    .append(" SUCCEEDED=")
                    .append(c.shadowWritesSucceeded())
                    .append(' ')
                    .append(nonZero(c.shadowWritesMissed()))
                    .append(", shed ")
                    .append(percent(c.shadowWritesMissed(FailedWrite.Reason.SHED), writes));
            DualWriteControl.JournalStatus j = control.journalStatus();
            s.append("; journal: ")
                    .append(j.journaled())
                    .append(" appended, ")
                    .append(journal.pendingCount())
                    .append(" pending, ")
                    .append(j.waiting())
                    .append(" waiting, ")
                    .append(j.pastBound())
                    .append(" past the bound")
                    .append(j.gapOpened() ? ", GAP OPENED" : "");
        }
        if (reads == 0 && writes == 0) {
            s.append("no shadow work");
        }
        return s.toString();
    }

    private static String nonZero(Map<?, Long> counts) {
        StringBuilder s = new StringBuilder("{");
        counts.forEach((k, v) -> {
            if (v > 0) {
                s.append(s.length() > 1 ? ", " : "").append(k).append('=').append(v);
            }
        });
        return s.append('}').toString();
    }

    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    /** Stops the proxy's shadow threads (within 5 s), then the flag client. */
    @Override
    public void close() {
        try {
            if (!control.close(Duration.ofSeconds(5))) {
                System.err.println("cutover dual-write: close cancelled shadow work or left a thread");
            }
        } finally {
            flags.close();
            flagStore.close();
        }
    }
}
