package dev.cutover.examples.analytics;

import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.MigrationListener;
import dev.cutover.dualwrite.compare.Difference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The migration's dashboard: the proxy's comparison reports counted by run (one run per stage
 * visit), each mismatching field sorted into a difference we can explain, or not. Also keeps the
 * latencies of both sides.
 *
 * <p>An explained difference is one where both answers are right and differ in form only; each
 * has a normalizer that makes the comparison ignore it. Any other difference is a bug in the
 * warehouse or its feed, and the migration stops short of it.
 */
final class ShadowDashboard implements MigrationListener {

  /** A difference both sides are right about, and the normalizer that says so. */
  record Explanation(String method, String shown, Pattern path, String why) {}

  static final List<Explanation> EXPLAINED = List.of(
      new Explanation("getReport", "/avgWatchSeconds", Pattern.compile("/avgWatchSeconds"),
          "the warehouse averages in exact NUMERIC, the old code in double: they part after the 16th digit;"
              + " reports show 2 decimals, so compare with numericScale(2)"),
      new Explanation("listViewersByCountry", "/countries order", Pattern.compile("/countries(/.*)?"),
          "the old code lists countries in HashMap order, the warehouse sorted; the API promises no order,"
              + " so compare with unorderedArrays(\"/countries\")"));

  /** The reports of one visit to a stage. */
  static final class Run {
    final String label;
    /** Whether the comparison had no normalizers: explained differences are expected then. */
    final boolean strict;
    private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    private final Map<Explanation, Long> explained = new LinkedHashMap<>();
    private final List<String> unexplained = new ArrayList<>();

    Run(String label, boolean strict) {
      this.label = label;
      this.strict = strict;
    }

    synchronized long count(Outcome outcome) {
      return outcomes.getOrDefault(outcome, 0L);
    }

    synchronized long compared() {
      return outcomes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** How many mismatches each explanation covered. */
    synchronized Map<Explanation, Long> explained() {
      return new LinkedHashMap<>(explained);
    }

    /** Mismatches with a field no explanation covers, described. */
    synchronized List<String> unexplained() {
      return List.copyOf(unexplained);
    }

    synchronized void add(ComparisonReport report) {
      outcomes.merge(report.outcome(), 1L, Long::sum);
      if (!report.isMismatch()) {
        return;
      }
      Set<Explanation> found = new LinkedHashSet<>();
      boolean allExplained = !report.differences().isEmpty();
      for (Difference d : report.differences()) {
        Explanation e = explanation(report.method(), d.path());
        if (e == null) {
          allExplained = false;
        } else {
          found.add(e);
        }
      }
      if (allExplained) {
        found.forEach(e -> explained.merge(e, 1L, Long::sum));
      } else {
        unexplained.add(report.method() + "(" + report.entityKey() + ") in " + report.stage() + ": "
            + report.differences().stream().map(d -> d.path() + " " + d.kind()).toList()
            + (report.error() == null ? "" : " " + report.error()));
      }
    }

    @Override
    public synchronized String toString() {
      return label + ": " + outcomes;
    }
  }

  private final List<Run> runs = new CopyOnWriteArrayList<>();
  private volatile Run current = new Run("before any stage compares", false);
  private final ConcurrentLinkedQueue<Long> oldMicros = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> newMicros = new ConcurrentLinkedQueue<>();

  /** Starts counting a new run; reports arriving from now on count for it. */
  Run startRun(String label, boolean strict) {
    Run run = new Run(label, strict);
    runs.add(run);
    current = run;
    return run;
  }

  List<Run> runs() {
    return List.copyOf(runs);
  }

  @Override
  public void onComparison(ComparisonReport report) {
    current.add(report);
    record(oldMicros, report.oldLatency());
    record(newMicros, report.newLatency());
  }

  /** Median latency of the old side, in milliseconds. */
  double medianOldMillis() {
    return median(oldMicros);
  }

  /** Median latency of the new side, in milliseconds. */
  double medianNewMillis() {
    return median(newMicros);
  }

  static @Nullable Explanation explanation(String method, String path) {
    for (Explanation e : EXPLAINED) {
      if (e.method().equals(method) && e.path().matcher(path).matches()) {
        return e;
      }
    }
    return null;
  }

  private static void record(ConcurrentLinkedQueue<Long> into, @Nullable Duration latency) {
    if (latency != null) {
      into.add(latency.toNanos() / 1_000);
    }
  }

  private static double median(ConcurrentLinkedQueue<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    sorted.sort(null);
    return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2) / 1000.0;
  }
}
