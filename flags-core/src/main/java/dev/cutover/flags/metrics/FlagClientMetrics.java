package dev.cutover.flags.metrics;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.internal.DefaultFlagClient;
import dev.cutover.flags.internal.EvaluationCounters;
import dev.cutover.flags.internal.RefreshStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a {@link FlagClient}'s metrics to Micrometer. Evaluations are counted from the moment
 * this binder is bound (a client without metrics does not count them), in lock-free adders
 * published as function counters, so metrics cost an evaluation one uncontended increment (about
 * 5 ns).
 *
 * <pre>{@code
 * FlagClientMetrics.of(flags).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>cutover.flags.evaluations</td><td>counter</td><td>flag, variant, reason, error</td></tr>
 *   <tr><td>cutover.flags.refresh</td><td>timer</td><td>store</td></tr>
 *   <tr><td>cutover.flags.refresh.errors</td><td>counter</td><td>store</td></tr>
 *   <tr><td>cutover.flags.loads</td><td>counter</td><td>store</td></tr>
 *   <tr><td>cutover.flags.rejected</td><td>counter</td><td>store</td></tr>
 *   <tr><td>cutover.flags.snapshot.age</td><td>gauge, seconds</td><td>store</td></tr>
 *   <tr><td>cutover.flags.snapshot.revision</td><td>gauge</td><td>store</td></tr>
 *   <tr><td>cutover.flags.snapshot.flags</td><td>gauge</td><td>store</td></tr>
 *   <tr><td>cutover.flags.store.available</td><td>gauge, 1 or 0</td><td>store</td></tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class FlagClientMetrics implements MeterBinder {
  private final DefaultFlagClient client;
  private final Tags tags;

  private FlagClientMetrics(DefaultFlagClient client, Iterable<Tag> extraTags) {
    this.client = client;
    this.tags = Tags.of("store", client.storeName()).and(extraTags);
  }

  /** Metrics for a client built by {@link FlagClient#builder}. */
  public static FlagClientMetrics of(FlagClient client) {
    return of(client, Tags.empty());
  }

  /** Metrics for a client, with extra tags on every meter. */
  public static FlagClientMetrics of(FlagClient client, Iterable<Tag> extraTags) {
    Objects.requireNonNull(client, "client");
    if (!(client instanceof DefaultFlagClient d)) {
      throw new IllegalArgumentException(
          "FlagClientMetrics needs a client built by FlagClient.builder() but got "
              + client.getClass().getName());
    }
    return new FlagClientMetrics(d, extraTags);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    client.countEvaluations();
    RefreshStats stats = client.refreshStats();
    FunctionTimer.builder(
            "cutover.flags.refresh",
            stats,
            RefreshStats::refreshes,
            RefreshStats::refreshNanos,
            TimeUnit.NANOSECONDS)
        .description("Refresh cycles: head check, plus a load when the revision moved")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("cutover.flags.refresh.errors", stats, RefreshStats::refreshErrors)
        .description("Refresh cycles that failed after retries")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("cutover.flags.loads", stats, RefreshStats::loads)
        .description("Full loads of the flag set")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("cutover.flags.rejected", stats, RefreshStats::rejectedFlags)
        .description("Flag documents rejected by validation")
        .tags(tags)
        .register(registry);
    Gauge.builder("cutover.flags.snapshot.age", client, c -> c.status().snapshotAge().toMillis() / 1000.0)
        .description("Seconds since the store last confirmed the snapshot")
        .baseUnit("seconds")
        .tags(tags)
        .register(registry);
    Gauge.builder("cutover.flags.snapshot.revision", client, c -> c.status().revision())
        .description("Revision of the snapshot being served")
        .tags(tags)
        .register(registry);
    Gauge.builder("cutover.flags.snapshot.flags", client, c -> c.status().flagCount())
        .description("Flags in the snapshot being served")
        .tags(tags)
        .register(registry);
    Gauge.builder(
            "cutover.flags.store.available",
            client,
            c -> c.status().lastError() == null && c.status().state() != ClientStatus.State.FAILED ? 1 : 0)
        .description("1 when the last store call succeeded")
        .tags(tags)
        .register(registry);
    Set<EvaluationCounters.Series> registered = ConcurrentHashMap.newKeySet();
    Runnable sync = () -> registerEvaluationCounters(registry, registered);
    sync.run();
    client.onStatus(status -> sync.run());
    client.onAnyChange(e -> sync.run());
  }

  private void registerEvaluationCounters(
      MeterRegistry registry, Set<EvaluationCounters.Series> registered) {
    client
        .counters()
        .forEach(
            (series, adder) -> {
              if (registered.add(series)) {
                FunctionCounter.builder("cutover.flags.evaluations", adder, a -> a.sum())
                    .description("Flag evaluations by flag, variant, reason and error")
                    .tags(tags)
                    .tag("flag", series.flag())
                    .tag("variant", series.variant())
                    .tag("reason", series.reason().name())
                    .tag("error", series.errorCode())
                    .register(registry);
              }
            });
  }
}
