package dev.cutover.benchmarks;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.cutover.benchmarks.CountingDynamoDb.Call;
import dev.cutover.benchmarks.CountingDynamoDb.Counts;
import dev.cutover.benchmarks.FlipPropagation.Writer;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;

/**
 * How fast a flag flip reaches 50 service instances through {@code DynamoDbFlagStore} on DynamoDB
 * Local, with push (DynamoDB Streams) and with polling only, and how many read requests 50 idle
 * instances make. The DynamoDB counterpart of {@link FlipPropagation}: a plain program, run by
 * hand; see the README's "Flip propagation (flags-dynamodb)" section.
 *
 * <p>DynamoDB Local runs in this JVM ({@code DynamoDBEmbedded}: in memory, telemetry off), so the
 * instances, the writer and the database share the same cores, and no request crosses a network.
 * Every instance is a {@link FlagClient} over its own {@link DynamoDbFlagStore} on the one table,
 * over its own {@link CountingDynamoDb}: its own {@code DynamoDbClient} and, with push, its own
 * {@code DynamoDbStreamsClient}, each a counting proxy over the in-process client DynamoDB Local
 * hands out, so every instance's {@code GetItem}, {@code Query} and stream requests are counted
 * apart. A separate writer store over an uncounted client flips the boolean flag {@value
 * FlipPropagation#FLAG}, and each flip is timed exactly as in {@link FlipPropagation}: from {@code
 * put} returning until every client's {@code booleanValue} serves the new value. The propagation
 * time of a flip is that of the last instance to serve it.
 *
 * <p>Two sets of instances, one after the other: push (each store follows the table's stream with
 * its own reader, every 250 ms by default; the clients poll every 30 s as the safety net) and poll
 * only (no streams client, so {@code subscribe} returns {@code Subscription.NONE}; 1 s). Each set is
 * observed idle first, then flipped, then closed.
 *
 * <p>DynamoDB advises at most two concurrent readers per stream shard and throttles more. DynamoDB
 * Local does not enforce that, so the push set's 50 readers of one shard are what Local allows, not
 * what a real table allows: on a real table a fleet enables Streams on at most two instances (or
 * relays their hints) and the rest poll.
 */
public final class DynamoDbFlipPropagation {

  static final String TABLE = "cutover-flip-propagation";
  private static final Duration READY_WAIT = Duration.ofSeconds(30);
  /** A 30-day month, as the flags-dynamodb documentation counts it. */
  static final double MINUTES_PER_MONTH = 30 * 24 * 60;

  private DynamoDbFlipPropagation() {}

  /**
   * What one run does.
   *
   * @param clients service instances per set
   * @param flips measured flips per set
   * @param warmupFlips flips before those, not measured
   * @param pause wait after a flip reached every instance, before the next write
   * @param pushPollInterval poll interval of the push clients (long, so only push explains speed)
   * @param streamPollInterval how often each push store's reader reads the stream (the store's
   *     default is 250 ms)
   * @param pollInterval poll interval of the poll-only clients (jitter: the default 0.1)
   * @param idleWindow how long the idle load is observed, per set
   * @param prices what the cost table multiplies the measured requests by
   */
  public record Settings(
      int clients,
      int flips,
      int warmupFlips,
      Duration pause,
      Duration pushPollInterval,
      Duration streamPollInterval,
      Duration pollInterval,
      Duration idleWindow,
      Prices prices) {

    /**
     * The recorded run: 50 instances, 200 flips per set, the store's default stream poll interval
     * of 250 ms, 1 s polling, a 60 s idle window, us-east-1 prices.
     */
    public static Settings standard() {
      return new Settings(
          50, 200, 5, Duration.ofMillis(20), Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofSeconds(1),
          Duration.ofSeconds(60), Prices.usEast1Example());
    }
  }

  /**
   * On-demand prices, in US dollars, that turn measured requests into a cost per instance.
   *
   * @param perMillionReadRequestUnits price of one million read request units (table reads)
   * @param per100kStreamReadRequests price of 100,000 streams read requests ({@code GetRecords})
   * @param source where the prices come from, printed with the cost table
   */
  public record Prices(double perMillionReadRequestUnits, double per100kStreamReadRequests, String source) {

    /**
     * List prices for us-east-1, on-demand, DynamoDB Standard table class, used as an example: $0.125
     * per million read request units, $0.02 per 100,000 streams read requests. Free tiers are not
     * deducted.
     */
    public static Prices usEast1Example() {
      return new Prices(0.125, 0.02,
          "on-demand list prices for us-east-1 (Standard table class), used as an example; free tiers not deducted");
    }
  }

  /** How the instances learn about a change. */
  public enum Mode {
    /** Each store reads the table's stream; a long poll interval as the safety net. */
    PUSH,
    /** No streams client; polling only. */
    POLL
  }

  /**
   * The measured flips of one set.
   *
   * @param lastNanos per flip, when the last instance served it; -1 if one never did
   * @param eachNanos per flip and instance, when that instance served it; -1 if it never did
   * @param putNanos per flip, how long {@code put} took
   * @param allFlips flips written, warm-up included: the count behind {@code perInstance}
   * @param perInstance what each instance sent from the first flip until the last was served
   */
  public record Propagation(
      Mode mode,
      Duration pollInterval,
      int clients,
      long[] lastNanos,
      long[] eachNanos,
      long[] putNanos,
      int allFlips,
      List<Counts> perInstance) {

    /** Flips that some instance did not serve before the deadline. */
    public int missedFlips() {
      return (int) Arrays.stream(lastNanos).filter(n -> n < 0).count();
    }

    /** Instance-flip pairs that never showed the new value. */
    public long missedApplications() {
      return Arrays.stream(eachNanos).filter(n -> n < 0).count();
    }

    /** Nearest-rank percentile, in ms, of the last instance's time over the flips every instance served. */
    public double lastMillis(double percentile) {
      return FlipPropagation.percentileMillis(lastNanos, percentile);
    }

    /** Nearest-rank percentile, in ms, over every instance-flip pair that was served. */
    public double eachMillis(double percentile) {
      return FlipPropagation.percentileMillis(eachNanos, percentile);
    }

    /** Like {@link #lastMillis}, but timed from the call to {@code put}: includes the write itself. */
    public double lastFromPutCallMillis(double percentile) {
      long[] total = new long[lastNanos.length];
      for (int i = 0; i < total.length; i++) {
        total[i] = lastNanos[i] < 0 ? -1 : lastNanos[i] + putNanos[i];
      }
      return FlipPropagation.percentileMillis(total, percentile);
    }

    /** Nearest-rank percentile, in ms, of how long {@code put} took. */
    public double putMillis(double percentile) {
      return FlipPropagation.percentileMillis(putNanos, percentile);
    }

    /**
     * How many instance-flip pairs already served the new value at the first read after {@code
     * put} returned (under 1 ms): the writer thread was descheduled while instances applied it.
     */
    public long servedBeforePutReturned() {
      return Arrays.stream(eachNanos).filter(n -> n >= 0 && n < 1_000_000).count();
    }

    /** Requests of one kind an instance sent per flip, on average over the instances. */
    public double perFlipPerInstance(Call call) {
      return total(perInstance).of(call) / (double) allFlips / clients;
    }

    /** Stream requests an instance sent per flip, on average over the instances. */
    public double streamRequestsPerFlipPerInstance() {
      return total(perInstance).streamRequests() / (double) allFlips / clients;
    }
  }

  /**
   * What idle instances sent over one window with no writes.
   *
   * @param window how long the window really lasted
   * @param perInstance each instance's counter deltas over the window
   */
  public record IdleLoad(Mode mode, Duration pollInterval, Duration window, List<Counts> perInstance) {

    private double minutes() {
      return window.toNanos() / 60e9;
    }

    /** Per instance per minute, of the requests of one kind. */
    public double perInstancePerMinute(Call call) {
      return total(perInstance).of(call) / (double) perInstance.size() / minutes();
    }

    /** {@code DescribeStream}, {@code GetShardIterator} and {@code GetRecords} per instance per minute. */
    public double streamRequestsPerInstancePerMinute() {
      return total(perInstance).streamRequests() / (double) perInstance.size() / minutes();
    }

    /** One head check per instance per poll interval. */
    public double expectedGetItemsPerInstancePerMinute() {
      return 60_000.0 / pollInterval.toMillis();
    }

    /**
     * Read request units per instance per minute: {@code GetItem} and {@code Query} pages, each
     * {@code unitsPerRead} (1 strongly consistent, 0.5 eventually consistent). Valid here because
     * every read is under 4 KB: the head item, and a flags page of one small flag.
     */
    public double readUnitsPerInstancePerMinute(double unitsPerRead) {
      return (perInstancePerMinute(Call.GET_ITEM) + perInstancePerMinute(Call.QUERY)) * unitsPerRead;
    }

    /** Whether idle instances made one head check per poll interval (within 5%) and loaded nothing. */
    public boolean oneGetItemPerInterval() {
      double expected = expectedGetItemsPerInstancePerMinute();
      return perInstancePerMinute(Call.QUERY) == 0
          && Math.abs(perInstancePerMinute(Call.GET_ITEM) - expected) <= 0.05 * expected;
    }
  }

  /**
   * Both sets of one run.
   *
   * @param streamShards the stream's shards at the end of the run, open and closed
   * @param openStreamShards of those, the ones still open
   */
  public record Report(
      Settings settings,
      String environment,
      Propagation push,
      IdleLoad pushIdle,
      Propagation poll,
      IdleLoad pollIdle,
      int streamShards,
      int openStreamShards) {}

  /** Runs the standard settings and prints the results; exit status 1 only when setup fails. */
  public static void main(String[] args) {
    Mains.run("DynamoDB flip propagation", () -> markdown(run(Settings.standard(), System.out)), () -> { });
  }

  /** Starts DynamoDB Local in this JVM, creates the table, measures both sets, and stops it. */
  public static Report run(Settings settings, PrintStream log) throws Exception {
    long started = System.nanoTime();
    String environment = environment(settings);
    log.println(environment);
    // true: telemetry off, so DynamoDB Local neither phones home nor writes a metadata file
    AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
    try {
      DynamoDbClient writerClient = local.dynamoDbClient();
      try (DynamoDbFlagStore writerStore = DynamoDbFlagStore.builder(writerClient, TABLE).build()) {
        writerStore.createTableIfMissing();
        Writer writer = new Writer(writerStore);
        log.printf(Locale.ROOT, "DynamoDB Local started and table %s created in %d ms%n",
            TABLE, Duration.ofNanos(System.nanoTime() - started).toMillis());

        Phase push = phase(local, Mode.PUSH, settings.pushPollInterval(), writer, settings, log);
        Phase poll = phase(local, Mode.POLL, settings.pollInterval(), writer, settings, log);

        List<Shard> shards = shards(local, writerClient);
        int open = (int) shards.stream()
            .filter(s -> s.sequenceNumberRange() == null || s.sequenceNumberRange().endingSequenceNumber() == null)
            .count();
        log.printf(Locale.ROOT, "stream: %d shards, %d open; run took %d s%n",
            shards.size(), open, Duration.ofNanos(System.nanoTime() - started).toSeconds());
        return new Report(
            settings, environment, push.flips(), push.idle(), poll.flips(), poll.idle(), shards.size(), open);
      }
    } finally {
      local.shutdown();
    }
  }

  /** Every shard of the table's stream, through uncounted clients. */
  private static List<Shard> shards(AmazonDynamoDBLocal local, DynamoDbClient client) {
    String arn = client.describeTable(r -> r.tableName(TABLE)).table().latestStreamArn();
    List<Shard> shards = new ArrayList<>();
    String last = null;
    do {
      String from = last;
      StreamDescription d = local.dynamoDbStreamsClient()
          .describeStream(r -> r.streamArn(arn).exclusiveStartShardId(from)).streamDescription();
      shards.addAll(d.shards());
      last = d.lastEvaluatedShardId();
    } while (last != null);
    return shards;
  }

  // ---------------------------------------------------------------- one set

  /** One set's results. */
  private record Phase(Propagation flips, IdleLoad idle) {}

  /** Starts the instances, observes them idle, flips, and closes them. */
  private static Phase phase(
      AmazonDynamoDBLocal local, Mode mode, Duration pollInterval, Writer writer, Settings s, PrintStream log)
      throws Exception {
    try (Fleet fleet = Fleet.start(local, mode, s.clients(), pollInterval, s.streamPollInterval(), writer, log)) {
      IdleLoad idle = idle(fleet, s.idleWindow(), log);
      List<Counts> before = fleet.counts();
      Propagation timed = flips(fleet, writer, s, log);
      List<Counts> after = fleet.counts();
      List<Counts> deltas = new ArrayList<>();
      for (int j = 0; j < after.size(); j++) {
        deltas.add(after.get(j).minus(before.get(j)));
      }
      Propagation p = new Propagation(timed.mode(), timed.pollInterval(), timed.clients(), timed.lastNanos(),
          timed.eachNanos(), timed.putNanos(), timed.allFlips(), deltas);
      log.printf(Locale.ROOT,
          "%s flips: per flip per instance %.2f GetItem, %.2f Query, %.2f stream requests (%.2f GetRecords)%n",
          fleet.name(), p.perFlipPerInstance(Call.GET_ITEM), p.perFlipPerInstance(Call.QUERY),
          p.streamRequestsPerFlipPerInstance(), p.perFlipPerInstance(Call.GET_RECORDS));
      return new Phase(p, idle);
    }
  }

  /** Writes the warm-up and measured flips and times how each reaches every instance. */
  private static Propagation flips(Fleet fleet, Writer writer, Settings s, PrintStream log) throws Exception {
    int n = fleet.size();
    long deadline = fleet.pollInterval.toNanos() + fleet.pollInterval.toNanos() / 10 + Duration.ofSeconds(10).toNanos();
    long[] last = new long[s.flips()];
    long[] each = new long[s.flips() * n];
    long[] puts = new long[s.flips()];
    long[] applied = new long[n];
    int total = s.warmupFlips() + s.flips();
    for (int i = 0; i < total; i++) {
      long beforePut = System.nanoTime();
      boolean value = writer.flip();
      long t0 = System.nanoTime();
      FlipPropagation.awaitEverywhere(fleet.clients, value, t0, deadline, applied);
      long slowest = FlipPropagation.slowest(applied);
      boolean warmup = i < s.warmupFlips();
      if (!warmup) {
        int k = i - s.warmupFlips();
        last[k] = slowest;
        puts[k] = t0 - beforePut;
        System.arraycopy(applied, 0, each, k * n, n);
      }
      long[] sorted = applied.clone();
      Arrays.sort(sorted);
      log.printf(Locale.ROOT, "%s flip %3d/%d -> %-5s put %6.2f ms  first %8.2f ms  median %8.2f ms  last %s%s%n",
          fleet.name(), i + 1, total, value, (t0 - beforePut) / 1e6,
          sorted[0] / 1e6, sorted[(n - 1) / 2] / 1e6,
          slowest < 0 ? "MISSED by " + Arrays.stream(applied).filter(a -> a < 0).count() + " instances"
              : String.format(Locale.ROOT, "%8.2f ms", slowest / 1e6),
          warmup ? "  (warm-up)" : "");
      LockSupport.parkNanos(s.pause().toNanos());
    }
    return new Propagation(fleet.mode, fleet.pollInterval, n, last, each, puts, total, List.of());
  }

  private static IdleLoad idle(Fleet fleet, Duration window, PrintStream log) {
    // the instances started together, so their polls are in step for a while: open the window half
    // a poll interval after the start (at most a quarter window), so that it holds whole intervals
    Duration settle = fleet.pollInterval.dividedBy(2);
    if (settle.compareTo(window.dividedBy(4)) > 0) {
      settle = window.dividedBy(4);
    }
    parkFor(settle);
    log.printf(Locale.ROOT, "%s: idle for %s, no writes%n", fleet.name(), FlipPropagation.seconds(window));
    List<Counts> before = fleet.counts();
    long start = System.nanoTime();
    parkFor(window);
    List<Counts> after = fleet.counts();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    List<Counts> deltas = new ArrayList<>();
    for (int i = 0; i < after.size(); i++) {
      deltas.add(after.get(i).minus(before.get(i)));
    }
    IdleLoad idle = new IdleLoad(fleet.mode, fleet.pollInterval, elapsed, deltas);
    Counts t = total(deltas);
    log.printf(Locale.ROOT,
        "%s idle: %.1f s; all instances: %d GetItem, %d Query, %d DescribeStream, %d GetShardIterator,"
            + " %d GetRecords, %d other%n",
        fleet.name(), elapsed.toMillis() / 1e3, t.of(Call.GET_ITEM), t.of(Call.QUERY), t.of(Call.DESCRIBE_STREAM),
        t.of(Call.GET_SHARD_ITERATOR), t.of(Call.GET_RECORDS), t.of(Call.OTHER));
    return idle;
  }

  private static void parkFor(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  static Counts total(List<Counts> perInstance) {
    Counts sum = Counts.zero();
    for (Counts c : perInstance) {
      sum = sum.plus(c);
    }
    return sum;
  }

  private static String environment(Settings s) {
    return String.format(Locale.ROOT,
        "DynamoDB flip propagation, %s%n  JVM: %s %s; %d cores; %s %s%n  DynamoDB Local in this JVM"
            + " (DynamoDBEmbedded, in memory, telemetry off); per instance its own counting DynamoDbClient"
            + " (push: and DynamoDbStreamsClient)%n  %s",
        Instant.now(), System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.version"), s);
  }

  // ---------------------------------------------------------------- the instances

  /** The service instances of one set. */
  static final class Fleet implements AutoCloseable {
    final Mode mode;
    final Duration pollInterval;
    final List<CountingDynamoDb> counters = new ArrayList<>();
    final List<DynamoDbFlagStore> stores = new ArrayList<>();
    final List<FlagClient> clients = new ArrayList<>();

    private Fleet(Mode mode, Duration pollInterval) {
      this.mode = mode;
      this.pollInterval = pollInterval;
    }

    /**
     * Starts {@code n} instances and waits until each serves the current value and, with push,
     * reads the stream and has made the head check its reader's first hint asks for.
     */
    static Fleet start(
        AmazonDynamoDBLocal local, Mode mode, int n, Duration pollInterval, Duration streamPollInterval,
        Writer writer, PrintStream log) {
      long started = System.nanoTime();
      Fleet fleet = new Fleet(mode, pollInterval);
      try {
        for (int i = 0; i < n; i++) {
          CountingDynamoDb counting = new CountingDynamoDb();
          fleet.counters.add(counting);
          DynamoDbFlagStore.Builder builder = DynamoDbFlagStore.builder(counting.dynamoDb(local.dynamoDbClient()), TABLE);
          if (mode == Mode.PUSH) {
            builder.streams(counting.streams(local.dynamoDbStreamsClient())).streamPollInterval(streamPollInterval);
          }
          DynamoDbFlagStore store = builder.build();
          fleet.stores.add(store);
          fleet.clients.add(FlagClient.builder(store).pollInterval(pollInterval).build());
        }
        fleet.awaitReady(writer.value());
      } catch (RuntimeException e) {
        fleet.close();
        throw e;
      }
      log.printf(Locale.ROOT, "%s: %d instances ready (poll interval %s) in %d ms%n",
          fleet.name(), n, pollInterval, Duration.ofNanos(System.nanoTime() - started).toMillis());
      return fleet;
    }

    String name() {
      return mode.name().toLowerCase(Locale.ROOT);
    }

    int size() {
      return clients.size();
    }

    /**
     * Waits for every instance: serving {@code value} and, with push, done with its reader's start.
     * The reader opens its shard iterators from {@code LATEST} and then sends one hint, which the
     * client answers with a head check: its second {@code GetItem}, after the first load's.
     */
    private void awaitReady(boolean value) {
      long deadline = System.nanoTime() + READY_WAIT.toNanos();
      while (true) {
        int notReady = 0;
        int notReading = 0;
        for (int i = 0; i < clients.size(); i++) {
          FlagClient c = clients.get(i);
          if (c.status().state() != ClientStatus.State.READY || c.booleanValue(FlipPropagation.FLAG, !value) != value) {
            notReady++;
          }
          CountingDynamoDb counts = counters.get(i);
          if (mode == Mode.PUSH && (counts.of(Call.GET_SHARD_ITERATOR) == 0 || counts.of(Call.GET_ITEM) < 2)) {
            notReading++;
          }
        }
        if (notReady == 0 && notReading == 0) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              mode + ": after " + READY_WAIT.toSeconds() + " s, " + notReady + " of " + clients.size()
                  + " instances do not serve the flag and " + notReading + " have not started reading the stream");
        }
        LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
      }
    }

    List<Counts> counts() {
      List<Counts> all = new ArrayList<>();
      for (CountingDynamoDb c : counters) {
        all.add(c.counts());
      }
      return all;
    }

    @Override
    public void close() {
      for (FlagClient c : clients) {
        c.close();
      }
      for (DynamoDbFlagStore s : stores) {
        s.close();
      }
    }
  }

  // ---------------------------------------------------------------- the tables

  static final String PUSH_LABEL = "push (DynamoDB Streams)";
  static final String POLL_LABEL = "poll only";

  /** The push target: p99 of the last instance under half a second. */
  static final long PUSH_TARGET_MILLIS = 500;

  /** The results as Markdown tables. */
  public static String markdown(Report r) {
    StringBuilder b = new StringBuilder();
    Settings s = r.settings();
    long interval = r.poll().pollInterval().toMillis();
    b.append(String.format(Locale.ROOT,
        "Propagation: from `put` returning until the last of %d instances serves the new value, %d flips per"
            + " set (after %d warm-up flips). Push instances read the stream every %s and poll every %s.%n%n",
        s.clients(), s.flips(), s.warmupFlips(), FlipPropagation.seconds(s.streamPollInterval()),
        FlipPropagation.seconds(s.pushPollInterval())));
    b.append("| Set | Poll interval | p50 (ms) | p99 (ms) | max (ms) | Missed |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
    propagationRow(b, PUSH_LABEL, r.push());
    propagationRow(b, POLL_LABEL, r.poll());

    b.append(String.format(Locale.ROOT, "%nTargets:%n%n"));
    b.append("| Target | Measured | Met |\n");
    b.append("| --- | ---: | --- |\n");
    targetRow(b, String.format(Locale.ROOT, "push: p99 < %,d ms", PUSH_TARGET_MILLIS), r.push(), PUSH_TARGET_MILLIS);
    targetRow(b, String.format(Locale.ROOT, "poll only: p99 < interval + 100 ms = %,d ms", interval + 100),
        r.poll(), interval + 100);
    long jitterAware = Math.round(1.1 * interval) + 100;
    targetRow(b, String.format(Locale.ROOT,
        "poll only, jitter-aware: p99 < 1.1 × interval + 100 ms = %,d ms", jitterAware), r.poll(), jitterAware);
    idleTargetRow(b, PUSH_LABEL, r.pushIdle());
    idleTargetRow(b, POLL_LABEL, r.pollIdle());

    b.append(String.format(Locale.ROOT,
        "%nThe same flips, p50 / p99 / max (ms), and the requests an instance sent per flip, over all %d flips"
            + " (warm-up and polls between flips included).%n%n", s.warmupFlips() + s.flips()));
    b.append("| Set | Each instance on its own | Last instance, timed from the call to `put` | `put` itself"
        + " | Instance-flips served < 1 ms after `put` returned | GetItem / flip / instance"
        + " | Query / flip / instance | Stream requests / flip / instance |\n");
    b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    detailRow(b, PUSH_LABEL, r.push());
    detailRow(b, POLL_LABEL, r.poll());

    b.append(String.format(Locale.ROOT,
        "%nIdle load: %d instances, %s with no writes, before their first flip; requests counted per instance."
            + " Read request units: every read is under 4 KB, so 1 per GetItem strongly consistent (the store's"
            + " default, used here) and 0.5 eventually consistent. The table's stream had %d shard(s), %d open.%n%n",
        s.clients(), FlipPropagation.seconds(s.idleWindow()), r.streamShards(), r.openStreamShards()));
    b.append("| Set | Poll interval | GetItem / instance / min (expected) | Query / instance / min"
        + " | Stream requests / instance / min (GetRecords) | Read request units / instance / min, strongly"
        + " (eventually) consistent |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
    idleRow(b, PUSH_LABEL, r.pushIdle());
    idleRow(b, POLL_LABEL, r.pollIdle());

    Prices p = s.prices();
    b.append(String.format(Locale.ROOT,
        "%nCost per instance per 30-day month at the idle rates above: $%.3f per million read request units,"
            + " $%.2f per 100,000 streams read requests (GetRecords); %s. The 30 s poll-only row is the push"
            + " set's reads without its stream reader: the instances of a fleet that do not read the stream.%n%n",
        p.perMillionReadRequestUnits(), p.per100kStreamReadRequests(), p.source()));
    b.append("| Instance | Read request units / month, strongly (eventually) consistent | Reads $ / month,"
        + " strongly (eventually) consistent | Streams read requests / month | Streams $ / month"
        + " | Total $ / month, strongly consistent |\n");
    b.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
    costRow(b, POLL_LABEL + ", " + FlipPropagation.seconds(r.pollIdle().pollInterval()), r.pollIdle(), false, p);
    costRow(b, POLL_LABEL + ", " + FlipPropagation.seconds(r.pushIdle().pollInterval()), r.pushIdle(), false, p);
    costRow(b, PUSH_LABEL + ", " + FlipPropagation.seconds(r.pushIdle().pollInterval()) + " poll", r.pushIdle(), true, p);
    return b.toString();
  }

  private static void propagationRow(StringBuilder b, String name, Propagation p) {
    b.append(String.format(Locale.ROOT, "| %s | %s | %,.1f | %,.1f | %,.1f | %d |%n",
        name, FlipPropagation.seconds(p.pollInterval()), p.lastMillis(50), p.lastMillis(99), p.lastMillis(100),
        p.missedFlips()));
  }

  private static void targetRow(StringBuilder b, String target, Propagation p, long millis) {
    double p99 = p.lastMillis(99);
    b.append(String.format(Locale.ROOT, "| %s | %,.1f ms | %s |%n",
        target, p99, p.missedFlips() == 0 && p99 < millis ? "yes" : "no"));
  }

  private static void idleTargetRow(StringBuilder b, String name, IdleLoad i) {
    b.append(String.format(Locale.ROOT,
        "| idle %s: one GetItem per instance per %s (%.0f / min, ±5%%), no Query | %.2f GetItem, %.2f Query"
            + " / min | %s |%n",
        name, FlipPropagation.seconds(i.pollInterval()), i.expectedGetItemsPerInstancePerMinute(),
        i.perInstancePerMinute(Call.GET_ITEM), i.perInstancePerMinute(Call.QUERY), i.oneGetItemPerInterval() ? "yes" : "no"));
  }

  private static void detailRow(StringBuilder b, String name, Propagation p) {
    b.append(String.format(Locale.ROOT,
        "| %s | %,.1f / %,.1f / %,.1f | %,.1f / %,.1f / %,.1f | %,.1f / %,.1f / %,.1f | %,d of %,d | %.2f | %.2f | %.2f |%n",
        name, p.eachMillis(50), p.eachMillis(99), p.eachMillis(100),
        p.lastFromPutCallMillis(50), p.lastFromPutCallMillis(99), p.lastFromPutCallMillis(100),
        p.putMillis(50), p.putMillis(99), p.putMillis(100), p.servedBeforePutReturned(), p.eachNanos().length,
        p.perFlipPerInstance(Call.GET_ITEM), p.perFlipPerInstance(Call.QUERY), p.streamRequestsPerFlipPerInstance()));
  }

  private static void idleRow(StringBuilder b, String name, IdleLoad i) {
    b.append(String.format(Locale.ROOT, "| %s | %s | %.2f (%.0f) | %.2f | %.1f (%.1f) | %.2f (%.2f) |%n",
        name, FlipPropagation.seconds(i.pollInterval()), i.perInstancePerMinute(Call.GET_ITEM),
        i.expectedGetItemsPerInstancePerMinute(), i.perInstancePerMinute(Call.QUERY),
        i.streamRequestsPerInstancePerMinute(), i.perInstancePerMinute(Call.GET_RECORDS),
        i.readUnitsPerInstancePerMinute(1.0), i.readUnitsPerInstancePerMinute(0.5)));
  }

  /** One row of the cost table; {@code withStream} adds the instance's stream reader. */
  private static void costRow(StringBuilder b, String name, IdleLoad i, boolean withStream, Prices p) {
    double strongUnits = i.readUnitsPerInstancePerMinute(1.0) * MINUTES_PER_MONTH;
    double eventualUnits = i.readUnitsPerInstancePerMinute(0.5) * MINUTES_PER_MONTH;
    double strongDollars = strongUnits / 1e6 * p.perMillionReadRequestUnits();
    double eventualDollars = eventualUnits / 1e6 * p.perMillionReadRequestUnits();
    double streamReads = withStream ? i.perInstancePerMinute(Call.GET_RECORDS) * MINUTES_PER_MONTH : 0;
    double streamDollars = streamReads / 1e5 * p.per100kStreamReadRequests();
    b.append(String.format(Locale.ROOT, "| %s | %,.0f (%,.0f) | %.3f (%.3f) | %,.0f | %.3f | %.3f |%n",
        name, strongUnits, eventualUnits, strongDollars, eventualDollars, streamReads, streamDollars,
        strongDollars + streamDollars));
  }
}
