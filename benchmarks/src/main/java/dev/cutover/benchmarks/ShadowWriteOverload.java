package dev.cutover.benchmarks;

import com.sun.management.ThreadMXBean;
import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.Gap;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

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
  public record Settings(int keys, int callers, int rate, Duration oldLatency, Duration newLatency, int shadowThreads,
      int shadowQueue, Duration shadowTimeout, int pendingKeysBound, Duration warmup, Duration phase, int rounds) {

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
  record Latencies(String system, long[] fromDue, long[] service, long[] lateStart, long writes, double rate,
      double callerBytesPerWrite) {

    long p(long[] sorted, double q) {
      if (sorted.length == 0) {
        return 0;
      }
      int rank = (int) Math.ceil(q * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
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
  record Check(long writes, int distinctKeys, int differing, int journaledDiffering, int gapDiffering, int unrecorded,
      int journaledEqual, long pendingEntries, List<Gap> openGaps, List<String> examples) {}

  /**
   * Everything a run measured.
   *
   * @param counts the proxy's counts after draining
   * @param journal the proxy's journal status after draining
   * @param idle whether the proxy drained within its bound
   * @param closedCleanly whether the proxy closed with nothing cancelled and its run record removed
   */
  record Report(Settings settings, String environment, String loadBefore, String loadAfter, Latencies direct,
      Latencies proxy, Check check, DualWriteControl.Counts counts, DualWriteControl.JournalStatus journal,
      boolean idle, boolean closedCleanly) {}

  /** Runs the standard settings; exit status 1 when a key is unrecorded or the run fails. */
  public static void main(String[] args) {
    Mains.run("shadow writes under overload", () -> {
      Report r = run(Settings.standard(), System.out);
      String markdown = markdown(r);
      String failure = failure(r);
      if (failure != null) {
        System.out.println(markdown);
        throw new IllegalStateException(failure);
      }
      return markdown;
    }, () -> { });
  }

  /** Why the run fails its zero-loss checks, or null. */
  static String failure(Report r) {
    Check c = r.check();
    if (c.unrecorded() > 0) {
      return "unrecorded: " + c.unrecorded() + " key(s) differ between the stores with no journal entry and no gap";
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
    String loadBefore = ReplicationThroughput.loadAverage();
    log.println("load average at start: " + loadBefore);
    String environment = String.format(Locale.ROOT, "shadow writes under overload, %s%n  JVM: %s %s; %d cores; %s %s%n  %s",
        Instant.now(), System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.version"), s);
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
          directPhases.add(Phase.run("round " + (r + 1) + " direct", directOld, s, s.phase(), ids, sequence, null, seed, log));
          proxyPhases.add(Phase.run("round " + (r + 1) + " proxy", proxy, s, s.phase(), ids, sequence, windows, seed + 1, log));
        } else {
          proxyPhases.add(Phase.run("round " + (r + 1) + " proxy", proxy, s, s.phase(), ids, sequence, windows, seed + 1, log));
          directPhases.add(Phase.run("round " + (r + 1) + " direct", directOld, s, s.phase(), ids, sequence, null, seed, log));
        }
      }
      long drainStart = System.nanoTime();
      boolean idle = control.awaitIdle(Duration.ofSeconds(60));
      log.printf(Locale.ROOT, "drained in %d ms (idle: %s)%n", (System.nanoTime() - drainStart) / 1_000_000, idle);
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
      String loadAfter = ReplicationThroughput.loadAverage();
      log.println("load average at end: " + loadAfter);
      return new Report(s, environment, loadBefore, loadAfter, Phase.merge("old store directly", directPhases),
          Phase.merge("through the proxy (SHADOW)", proxyPhases), check, counts, status, idle,
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
  static Check check(String[] ids, SimulatedAccounts old, SimulatedAccounts neu, InMemoryFailedWriteJournal journal,
      KeyWindows windows, Duration budget, Instant now) throws Exception {
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
    return new Check(windows.writes(), distinct, differing, journaledDiffering, gapDiffering, unrecorded,
        journaledEqual, journal.pendingCount(), gaps, examples);
  }

  /** Per key, when its first and last write through the proxy started (epoch nanos), for the gap check. */
  static final class KeyWindows {
    private final long[] first;
    private final long[] last;
    private final AtomicLong writes = new AtomicLong();

    KeyWindows(int keys) {
      first = new long[keys];
      last = new long[keys];
      Arrays.fill(first, Long.MAX_VALUE);
      Arrays.fill(last, Long.MIN_VALUE);
    }

    /** Adds a phase's writes, after it ended (not on the callers' path). */
    synchronized void add(Phase p) {
      for (int j = 0; j < p.keys.length; j++) {
        wrote(p.keys[j], p.startNanos[j] + p.epochOffset);
      }
    }

    /** One write of {@code key} started at {@code epochNanos}. */
    synchronized void wrote(int key, long epochNanos) {
      first[key] = Math.min(first[key], epochNanos);
      last[key] = Math.max(last[key], epochNanos);
      writes.incrementAndGet();
    }

    long writes() {
      return writes.get();
    }

    /**
     * Whether an open gap overlaps the key's writes: from its first write's start to its last
     * write's start plus the shadow budget (when a shadow write can still be refused) and 1 s.
     */
    synchronized boolean inGap(int key, List<Gap> gaps, Duration budget) {
      if (first[key] == Long.MAX_VALUE) {
        return false;
      }
      long from = first[key];
      long to = last[key] + budget.toNanos() + 1_000_000_000L;
      for (Gap g : gaps) {
        long gFrom = g.from().getEpochSecond() * 1_000_000_000L + g.from().getNano();
        long gTo = g.to().getEpochSecond() * 1_000_000_000L + g.to().getNano();
        if (gFrom <= to && gTo >= from) {
          return true;
        }
      }
      return false;
    }
  }

  /** One phase: the open-loop schedule run by the callers against one target. */
  static final class Phase {
    final String name;
    final int[] keys;
    final long[] startNanos;
    final long epochOffset;
    final long[] fromDue;
    final long[] service;
    final long[] lateStart;
    final long writes;
    final double seconds;
    final long callerBytes;

    private Phase(String name, int[] keys, long[] startNanos, long epochOffset, long[] fromDue, long[] service,
        long[] lateStart, double seconds, long callerBytes) {
      this.name = name;
      this.keys = keys;
      this.startNanos = startNanos;
      this.epochOffset = epochOffset;
      this.fromDue = fromDue;
      this.service = service;
      this.lateStart = lateStart;
      this.writes = fromDue.length;
      this.seconds = seconds;
      this.callerBytes = callerBytes;
    }

    /**
     * Runs {@code rate * length} writes: write {@code j} is due at {@code t0 + j / rate} and sent by
     * caller {@code j % callers}, which parks until it is due (or sends at once when late).
     */
    static Phase run(String name, Accounts target, Settings s, Duration length, String[] ids, AtomicLong sequence,
        KeyWindows windows, long seed, PrintStream log) throws InterruptedException {
      int n = (int) (s.rate() * length.toNanos() / 1_000_000_000L);
      double interval = 1e9 / s.rate();
      int[] keys = new int[n];
      SplittableRandom random = new SplittableRandom(seed);
      for (int j = 0; j < n; j++) {
        keys[j] = random.nextInt(ids.length);
      }
      long[] fromDue = new long[n];
      long[] service = new long[n];
      long[] lateStart = new long[n];
      long[] startNanos = new long[n];
      long[] bytes = new long[s.callers()];
      ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
      CountDownLatch ready = new CountDownLatch(s.callers());
      CountDownLatch go = new CountDownLatch(1);
      long[] t0 = new long[1];
      long epochOffset = Instant.now().toEpochMilli() * 1_000_000L - System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      Throwable[] failure = new Throwable[1];
      for (int c = 0; c < s.callers(); c++) {
        int caller = c;
        Thread t = new Thread(() -> {
          ready.countDown();
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          long allocated = mx.getCurrentThreadAllocatedBytes();
          long start0 = t0[0];
          try {
            for (int j = caller; j < n; j += s.callers()) {
              long due = start0 + (long) (j * interval);
              for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
              }
              long start = System.nanoTime();
              int k = keys[j];
              target.save(new Account(ids[k], "owner", sequence.incrementAndGet()));
              long end = System.nanoTime();
              fromDue[j] = end - due;
              service[j] = end - start;
              lateStart[j] = start - due;
              startNanos[j] = start;
            }
          } catch (Throwable e) {
            synchronized (failure) {
              failure[0] = e;
            }
          }
          bytes[caller] = mx.getCurrentThreadAllocatedBytes() - allocated;
        }, "overload-caller-" + c);
        threads.add(t);
        t.start();
      }
      ready.await();
      java.util.Map<String, Long> cpuBefore = libraryCpu(mx);
      t0[0] = System.nanoTime() + 1_000_000L;
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      double seconds = (System.nanoTime() - t0[0]) / 1e9;
      java.util.Map<String, Long> cpuAfter = libraryCpu(mx);
      StringBuilder cpu = new StringBuilder();
      cpuAfter.forEach((thread, nanos) -> {
        long used = nanos - cpuBefore.getOrDefault(thread, 0L);
        if (used > 0) {
          cpu.append(cpu.length() == 0 ? "" : ", ").append(thread)
              .append(String.format(Locale.ROOT, " %.0f%%", 100.0 * used / 1e9 / seconds));
        }
      });
      if (failure[0] != null) {
        throw new IllegalStateException(name + ": a write threw", failure[0]);
      }
      Phase p = new Phase(name, keys, startNanos, epochOffset, fromDue, service, lateStart, seconds,
          Arrays.stream(bytes).sum());
      if (windows != null) {
        windows.add(p);
      }
      Latencies l = merge(name, List.of(p));
      log.printf(Locale.ROOT, "%s: %,d writes in %.2f s (%,.0f/s); from due p50 %s p99 %s p99.9 %s max %s;"
              + " service p50 %s p99 %s p99.9 %s; started late p99 %s; caller bytes/write %.0f%n",
          name, n, seconds, n / seconds, us(l.p(l.fromDue(), 0.5)), us(l.p(l.fromDue(), 0.99)),
          us(l.p(l.fromDue(), 0.999)), us(l.fromDue()[l.fromDue().length - 1]), us(l.p(l.service(), 0.5)),
          us(l.p(l.service(), 0.99)), us(l.p(l.service(), 0.999)), us(l.p(l.lateStart(), 0.99)),
          l.callerBytesPerWrite());
      if (cpu.length() > 0) {
        log.println("  CPU of the proxy's own threads over the phase (% of one core): " + cpu);
      }
      return p;
    }

    /** CPU time so far of every live thread the proxy started ({@code cutover-*}), by name. */
    static java.util.Map<String, Long> libraryCpu(ThreadMXBean mx) {
      java.util.Map<String, Long> cpu = new java.util.TreeMap<>();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().startsWith("cutover-")) {
          long nanos = mx.getThreadCpuTime(t.getId());
          if (nanos > 0) {
            cpu.merge(t.getName(), nanos, Long::sum);
          }
        }
      }
      return cpu;
    }

    static Latencies merge(String system, List<Phase> phases) {
      long[] fromDue = phases.stream().flatMapToLong(p -> Arrays.stream(p.fromDue)).sorted().toArray();
      long[] service = phases.stream().flatMapToLong(p -> Arrays.stream(p.service)).sorted().toArray();
      long[] late = phases.stream().flatMapToLong(p -> Arrays.stream(p.lateStart)).sorted().toArray();
      long writes = phases.stream().mapToLong(p -> p.writes).sum();
      double seconds = phases.stream().mapToDouble(p -> p.seconds).sum();
      long bytes = phases.stream().mapToLong(p -> p.callerBytes).sum();
      return new Latencies(system, fromDue, service, late, writes, writes / seconds, (double) bytes / writes);
    }
  }

  static String us(long nanos) {
    return String.format(Locale.ROOT, "%.1f µs", nanos / 1000.0);
  }

  /** The results as Markdown, as the README shows them. */
  static String markdown(Report r) {
    StringBuilder m = new StringBuilder();
    m.append(r.environment()).append("\n\nload average (1, 5, 15 min): ").append(r.loadBefore())
        .append(" at start, ").append(r.loadAfter()).append(" at end\n\n");
    m.append("| Writes | writes | per s | p50 | p90 | p99 | p99.9 | max | service p50 | service p99 | service p99.9 |"
        + " caller B/write |\n");
    m.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Latencies l : List.of(r.direct(), r.proxy())) {
      m.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %.0f |%n",
          l.system(), l.writes(), l.rate(), us(l.p(l.fromDue(), 0.5)), us(l.p(l.fromDue(), 0.9)),
          us(l.p(l.fromDue(), 0.99)), us(l.p(l.fromDue(), 0.999)), us(l.fromDue()[l.fromDue().length - 1]),
          us(l.p(l.service(), 0.5)), us(l.p(l.service(), 0.99)), us(l.p(l.service(), 0.999)),
          l.callerBytesPerWrite()));
    }
    long p99Diff = r.proxy().p(r.proxy().fromDue(), 0.99) - r.direct().p(r.direct().fromDue(), 0.99);
    m.append(String.format(Locale.ROOT, "%np99 through the proxy minus p99 direct: %s (target ≤ 20 µs: %s)%n",
        us(p99Diff), p99Diff <= 20_000 ? "met" : "NOT met"));
    DualWriteControl.Counts c = r.counts();
    long missed = c.shadowWritesMissed().values().stream().mapToLong(Long::longValue).sum();
    m.append(String.format(Locale.ROOT, "%nshadow writes %,d: succeeded %,d, missed %,d %s%n",
        c.shadowWritesSucceeded() + missed, c.shadowWritesSucceeded(), missed, c.shadowWritesMissed()));
    DualWriteControl.JournalStatus j = r.journal();
    m.append(String.format(Locale.ROOT, "journal: %,d appended by the ledger, %,d waiting, %,d journal errors,"
        + " %,d past the bound, gap opened: %s%n", j.journaled(), j.waiting(), j.journalErrors(), j.pastBound(),
        j.gapOpened()));
    Check k = r.check();
    m.append(String.format(Locale.ROOT, "%n| Check | count |%n| --- | ---: |%n"
            + "| writes through the proxy (warm-up included) | %,d |%n| distinct keys written | %,d |%n"
            + "| journal entries pending | %,d |%n| keys whose stores differ | %,d |%n"
            + "| … with a pending journal entry | %,d |%n| … inside an open gap | %,d |%n"
            + "| **… unrecorded** | **%,d** |%n| keys journaled whose stores are equal | %,d |%n"
            + "| open gaps | %d |%n",
        k.writes(), k.distinctKeys(), k.pendingEntries(), k.differing(), k.journaledDiffering(), k.gapDiffering(),
        k.unrecorded(), k.journaledEqual(), k.openGaps().size()));
    m.append(String.format(Locale.ROOT, "%nunrecorded: %d%njournal size %,d ≤ distinct keys %,d: %s%n"
            + "drained: %s; closed cleanly, run record removed: %s%n",
        k.unrecorded(), k.pendingEntries(), k.distinctKeys(), k.pendingEntries() <= k.distinctKeys(), r.idle(),
        r.closedCleanly()));
    for (String e : k.examples()) {
      m.append("  unrecorded ").append(e).append('\n');
    }
    return m.toString();
  }
}
