package dev.cutover.benchmarks;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillBuilder;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.jdbc.SqlDialect;
import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.replication.dynamodb.DynamoDbJson;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Throughput of Cutover's replication write and read paths against the plainest code that moves
 * the same rows: the versioned apply of {@link JdbcVersionedTarget} against a plain batched insert,
 * the backfill against a raw copy, the {@link Reconciler} against a raw scan of both sides (all on
 * an embedded PostgreSQL), and the conditional {@code PutItem} of {@link DynamoDbVersionedTarget}
 * against an unconditional one (on DynamoDB Local, in-process). A plain program, run by hand; see
 * the README's "Replication throughput" section.
 *
 * <p>Every measurement runs {@link Settings#warmupRounds()} rounds that are not counted, then
 * {@link Settings#rounds()} measured ones, each on fresh tables (the reads run over the same
 * tables every round). Cutover and its baselines run one after the other within a round, in an
 * order that rotates from round to round, so that a slow stretch of the machine hits each of them
 * in turn; the rate of a series is the median of its measured rounds. Each round checks
 * its counts (outcomes, rows in the table, the reconciliation's report) and throws when one is
 * wrong: a run that measured nothing cannot report a rate.
 */
public final class ReplicationThroughput {

  /** The old table of the backfill and the reconciliation: {@code id} (key), {@code rev}, {@code doc}. */
  static final String SOURCE_TABLE = "rt_source";
  private static final int POOL_SIZE = 4;
  private static final String PLAIN_COLUMNS = "(entity_key, bucket, version, deleted, payload, applied_at)";
  private static final String PLAIN_ROW = "(?, ?, ?, ?, CAST(? AS jsonb), ?)";
  private static final String[] TIERS = {"free", "starter", "pro", "enterprise"};
  private static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "NL", "ES", "IT", "SE"};
  private static final String[] TAGS = {"newsletter", "beta", "vip", "churn-risk", "partner", "trial", "eu", "b2b"};

  private ReplicationThroughput() {}

  /**
   * What one run does.
   *
   * @param rows rows of the PostgreSQL measurements: applied, backfilled, reconciled
   * @param batchSize changes per {@code apply} call and the target's {@code batchSize}; rows per
   *     plain insert, per backfill page and per raw-copy page
   * @param scanPageSize rows per page of the reconciliation and of the raw scan (the reconciler's
   *     default is 1,000)
   * @param dynamoItems items of the DynamoDB measurement
   * @param dynamoInFlight writes in flight at once on DynamoDB, for the target ({@code
   *     maxInFlight}) and the unconditional puts alike
   * @param warmupRounds rounds per measurement before the measured ones, not counted
   * @param rounds measured rounds per measurement
   */
  public record Settings(
      int rows, int batchSize, int scanPageSize, int dynamoItems, int dynamoInFlight, int warmupRounds, int rounds) {

    /** The recorded run: 200,000 rows in batches of 500, 50,000 DynamoDB items 16 in flight, 1 + 3 rounds. */
    public static Settings standard() {
      return new Settings(200_000, 500, 1_000, 50_000, 16, 1, 3);
    }
  }

  /**
   * One system in one scenario: how long each measured round took.
   *
   * @param label what ran
   * @param unitsPerRound rows (or items) per round that the rate counts
   * @param seconds per measured round
   */
  public record Series(String label, long unitsPerRound, double[] seconds) {

    /** Units per second of each measured round. */
    public double[] rates() {
      return Arrays.stream(seconds).map(s -> unitsPerRound / s).toArray();
    }

    /** The median rate; for an even number of rounds, the mean of the middle two. */
    public double median() {
      double[] r = rates();
      Arrays.sort(r);
      int n = r.length;
      return n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
    }

    public double min() {
      return Arrays.stream(rates()).min().orElse(Double.NaN);
    }

    public double max() {
      return Arrays.stream(rates()).max().orElse(Double.NaN);
    }
  }

  /**
   * One scenario: Cutover against its baseline.
   *
   * @param scenario what is compared
   * @param unit what the rate counts, per second
   * @param cutover Cutover's code path
   * @param baseline the plain code path
   * @param target the ratio Cutover must reach at least, or {@code NaN} when there is none
   */
  public record Result(String scenario, String unit, Series cutover, Series baseline, double target) {

    /** Cutover's median rate over the baseline's. */
    public double ratio() {
      return cutover.median() / baseline.median();
    }

    /** Whether the ratio reaches the target; null when there is no target. */
    public Boolean met() {
      return Double.isNaN(target) ? null : ratio() >= target;
    }
  }

  /** What the rounds counted; every round must count the same, and the last round's counts are kept. */
  public enum Count {
    /** Rows of the old table of the backfill and the reconciliation. */
    SOURCE_ROWS,
    /** Rows of the plain insert's table after it. */
    PLAIN_INSERT_ROWS,
    /** Keys the bare upsert statement returned (diagnostic). */
    BARE_UPSERT_RETURNED,
    /** {@code APPLIED} outcomes of the apply into an empty table. */
    APPLY_APPLIED,
    /** {@code DUPLICATE} outcomes of applying the same changes again. */
    REAPPLY_DUPLICATE,
    /** {@code APPLIED} outcomes of the update (every version one higher). */
    UPDATE_APPLIED,
    /** The sum of the stored versions after the update: that of the second versions. */
    UPDATE_VERSION_SUM,
    /** Rows the raw copy inserted. */
    RAW_COPY_ROWS,
    /** Rows the backfill read. */
    BACKFILL_READ,
    /** Changes the backfill applied. */
    BACKFILL_APPLIED,
    /** Segments done when the backfill returned. */
    BACKFILL_SEGMENTS,
    /** Rows of the target after the backfill. */
    BACKFILL_TARGET_ROWS,
    /** Rows {@code INSERT ... SELECT} inserted. */
    INSERT_SELECT_ROWS,
    /** Live rows the reconciler read from the old side. */
    RECONCILE_OLD_ROWS,
    /** Live rows the reconciler read from the new side. */
    RECONCILE_NEW_ROWS,
    /** Discrepancies the reconciler reported (missing, extra, different, collisions, errors). */
    RECONCILE_DISCREPANCIES,
    /** Rows the raw scan read and hashed, both sides. */
    RAW_SCAN_ROWS,
    /** Rows both sides' {@code readPage(segment, token, limit)} returned (diagnostic). */
    SOURCE_READS_ROWS,
    /** {@code APPLIED} outcomes of the DynamoDB target. */
    DYNAMO_APPLIED,
    /** Items in the table of the unconditional puts afterwards. */
    DYNAMO_PUT_ITEMS
  }

  /**
   * One run.
   *
   * @param plainForms every plain insert form of the apply measurement; the fastest is its baseline
   * @param counts the last round's counts
   */
  public record Report(Settings settings, String environment, List<Result> results, List<Series> plainForms,
      Map<Count, Long> counts) {}

  /** Runs the standard settings and prints the results; exit status 1 when anything fails. */
  public static void main(String[] args) {
    Mains.run("replication throughput", () -> markdown(run(Settings.standard(), System.out)),
        () -> EmbeddedPostgresServer.get().stop());
  }

  /** Starts (or reuses) the embedded PostgreSQL and an in-process DynamoDB Local, and measures everything. */
  public static Report run(Settings s, PrintStream log) throws Exception {
    long started = System.nanoTime();
    log.println("load average at start: " + loadAverage());
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
    TestDatabase db = pg.createDatabase("replication_throughput");
    Map<Count, Long> counts = new EnumMap<>(Count.class);
    List<Result> results = new ArrayList<>();
    String environment;
    List<Series> plainForms;
    try (HikariDataSource pool = pool(db, false); HikariDataSource rewritingPool = pool(db, true)) {
      environment = environment(pool, s);
      log.println(environment);
      Rows rows = Rows.generate(s.rows());
      log.printf(Locale.ROOT, "%,d rows generated, payload %d to %d bytes of JSON (mean %.0f)%n",
          s.rows(), rows.minBytes, rows.maxBytes, rows.meanBytes);
      Postgres p = new Postgres(pool, rewritingPool, s, rows, counts, log);
      if (PARTS.contains("apply")) {
        results.addAll(p.apply());
      }
      if (PARTS.contains("backfill")) {
        results.addAll(p.backfillAndReconcile());
      }
      plainForms = List.copyOf(p.plainForms);
    }
    if (PARTS.contains("dynamo")) {
      results.add(dynamo(s, Rows.generate(s.dynamoItems()), counts, log));
    }
    log.println("load average at end: " + loadAverage());
    log.printf(Locale.ROOT, "run took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
    return new Report(s, environment, results, plainForms, counts);
  }

  /**
   * The parts to run, from the system property {@code replication.parts} (comma-separated {@code
   * apply}, {@code backfill} (with reconciliation), {@code dynamo}); all by default. A partial run is
   * for profiling: without {@code apply}, the raw copy uses {@code INSERT ... SELECT FROM unnest}.
   */
  static final Set<String> PARTS = Set.of(System.getProperty("replication.parts", "apply,backfill,dynamo").split(","));

  /** Segments of the old table's {@link JdbcSource}. */
  static final int SOURCE_SEGMENTS = 8;

  // ---------------------------------------------------------------- rows

  /** The rows of a run: version 1 to 9 of each key, and the same rows one version later, changed. */
  static final class Rows {
    final List<Change> v1;
    final List<Change> v2;
    final List<String> json;
    final int minBytes;
    final int maxBytes;
    final double meanBytes;

    private Rows(List<Change> v1, List<Change> v2, List<String> json) {
      this.v1 = v1;
      this.v2 = v2;
      this.json = json;
      this.minBytes = json.stream().mapToInt(j -> j.getBytes(StandardCharsets.UTF_8).length).min().orElse(0);
      this.maxBytes = json.stream().mapToInt(j -> j.getBytes(StandardCharsets.UTF_8).length).max().orElse(0);
      this.meanBytes = json.stream().mapToInt(j -> j.getBytes(StandardCharsets.UTF_8).length).average().orElse(0);
    }

    /**
     * {@code n} customers {@code c-000001}, {@code c-000002}, ...: a JSON payload of about 300
     * bytes (id, name, email, tier, country, counters, a flag, three timestamps, tags), deterministic.
     */
    static Rows generate(int n) {
      List<Change> v1 = new ArrayList<>(n);
      List<Change> v2 = new ArrayList<>(n);
      List<String> json = new ArrayList<>(n);
      Instant base = Instant.parse("2023-01-01T00:00:00Z");
      for (int i = 1; i <= n; i++) {
        String key = String.format(Locale.ROOT, "c-%06d", i);
        long h = mix(i);
        ObjectNode p = MAPPER.createObjectNode();
        p.put("id", key);
        p.put("name", FIRST[(int) (h & 15)] + " " + LAST[(int) ((h >>> 4) & 15)]);
        p.put("email", FIRST[(int) (h & 15)].toLowerCase(Locale.ROOT) + "." + i + "@example.com");
        p.put("tier", TIERS[(int) ((h >>> 8) & 3)]);
        p.put("country", COUNTRIES[(int) ((h >>> 10) & 7)]);
        p.put("orders", (h >>> 13) & 1023);
        p.put("marketingOptIn", ((h >>> 23) & 1) == 1);
        Instant created = base.plusSeconds((h >>> 24) % 40_000_000L);
        p.put("createdAt", created.toString());
        p.put("updatedAt", created.plusSeconds((h >>> 40) % 5_000_000L).toString());
        p.put("lastLoginAt", created.plusSeconds((h >>> 30) % 9_000_000L).toString());
        var tags = p.putArray("tags");
        for (int t = 0; t < 1 + (int) ((h >>> 50) & 3); t++) {
          tags.add(TAGS[(int) ((h >>> (52 + 3 * t)) & 7)]);
        }
        long version = 1 + (h >>> 59) % 9;
        v1.add(Change.upsert(key, version, p));
        ObjectNode changed = p.deepCopy();
        changed.put("orders", p.get("orders").asLong() + 1);
        changed.put("updatedAt", Instant.parse(p.get("updatedAt").asText()).plusSeconds(3_600).toString());
        v2.add(Change.upsert(key, version + 1, changed));
        json.add(p.toString());
      }
      return new Rows(List.copyOf(v1), List.copyOf(v2), List.copyOf(json));
    }

    private static final String[] FIRST = {"Jane", "John", "Ada", "Alan", "Grace", "Linus", "Margaret", "Ken",
        "Barbara", "Dennis", "Frances", "Edsger", "Radia", "Tim", "Sophie", "Niklaus"};
    private static final String[] LAST = {"Doe", "Roe", "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton",
        "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra", "Perlman", "Berners-Lee", "Wilson", "Wirth"};

    private static long mix(long x) {
      x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
      x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
      return (x ^ (x >>> 33)) & Long.MAX_VALUE;
    }
  }

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  /** As the target reads payloads: integers as {@code long}. */
  private static final ObjectMapper READER =
      JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  // ---------------------------------------------------------------- PostgreSQL

  /** The PostgreSQL measurements; tables are named after the measurement and the round. */
  private static final class Postgres {
    private final HikariDataSource pool;
    private final HikariDataSource rewritingPool;
    private final Settings s;
    private final Rows rows;
    private final Map<Count, Long> counts;
    private final PrintStream log;
    /** The plain insert forms measured in (1), in {@link PlainInsert} order. */
    final List<Series> plainForms = new ArrayList<>();
    /** The fastest of them, which the raw copy uses. */
    PlainInsert fastest = PlainInsert.UNNEST;

    Postgres(HikariDataSource pool, HikariDataSource rewritingPool, Settings s, Rows rows, Map<Count, Long> counts,
        PrintStream log) {
      this.pool = pool;
      this.rewritingPool = rewritingPool;
      this.s = s;
      this.rows = rows;
      this.counts = counts;
      this.log = log;
    }

    /**
     * (1) The versioned apply (empty table, re-apply, update) against each plain insert form; the
     * baseline is the form with the highest median.
     */
    List<Result> apply() throws Exception {
      int total = s.warmupRounds() + s.rounds();
      PlainInsert[] forms = PlainInsert.values();
      double[][] plain = new double[forms.length][s.rounds()];
      double[] first = new double[s.rounds()];
      double[] again = new double[s.rounds()];
      double[] update = new double[s.rounds()];
      double[] bareUpsert = new double[s.rounds()];
      for (int r = 0; r < total; r++) {
        int round = r;
        double[] p = new double[forms.length];
        double[] v = new double[3];
        double[] bare = new double[1];
        List<Runnable> steps = new ArrayList<>();
        for (PlainInsert form : forms) {
          steps.add(unchecked(() -> p[form.ordinal()] = plainInsertRound(form, "rt_plain_" + form.ordinal() + "_" + round)));
        }
        steps.add(unchecked(() -> System.arraycopy(versionedRound("rt_apply_" + round), 0, v, 0, 3)));
        steps.add(unchecked(() -> bare[0] = bareUpsertRound("rt_bare_" + round)));
        // a different order each round, so that a slow stretch of the machine does not hit one system only
        java.util.Collections.rotate(steps, r);
        steps.forEach(Runnable::run);
        StringBuilder line = new StringBuilder("apply " + round(r) + ":");
        for (PlainInsert form : forms) {
          line.append(" plain ").append(form.label).append(' ').append(rate(s.rows(), p[form.ordinal()])).append(',');
        }
        log.println(line + String.format(Locale.ROOT, " versioned apply %s, re-apply %s, update %s;"
            + " the target's upsert on bare JDBC %s", rate(s.rows(), v[0]), rate(s.rows(), v[1]), rate(s.rows(), v[2]),
            rate(s.rows(), bare[0])));
        if (r >= s.warmupRounds()) {
          int k = r - s.warmupRounds();
          for (int f = 0; f < forms.length; f++) {
            plain[f][k] = p[f];
          }
          first[k] = v[0];
          again[k] = v[1];
          update[k] = v[2];
          bareUpsert[k] = bare[0];
        }
      }
      for (PlainInsert form : forms) {
        plainForms.add(new Series(form.label, s.rows(), plain[form.ordinal()]));
      }
      Series baseline = plainForms.get(0);
      for (Series x : plainForms) {
        if (x.median() > baseline.median()) {
          baseline = x;
        }
      }
      fastest = PlainInsert.values()[plainForms.indexOf(baseline)];
      log.println("fastest plain insert: " + fastest.label);
      return List.of(
          new Result("apply into an empty table", "rows", new Series("apply", s.rows(), first), baseline, 0.7),
          new Result("re-apply, every change DUPLICATE", "rows", new Series("apply", s.rows(), again), baseline,
              Double.NaN),
          new Result("update, every change one version newer", "rows", new Series("apply", s.rows(), update),
              baseline, Double.NaN),
          new Result("diagnostic: the target's upsert statement on bare JDBC, empty table", "rows",
              new Series("INSERT ... SELECT FROM unnest ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING", s.rows(), bareUpsert), baseline,
              Double.NaN));
    }

    /**
     * A diagnostic, not Cutover's code path: the statement the target sends for a batch on
     * PostgreSQL (an {@code INSERT ... SELECT ... FROM unnest(arrays) ON CONFLICT (entity_key) DO
     * UPDATE ... WHERE cur.version < EXCLUDED.version RETURNING entity_key}), written here and run
     * with bare JDBC into a fresh versioned table, the keys read back, nothing else: what the
     * database costs, apart from the target's Java code. Returns seconds.
     */
    private double bareUpsertRound(String table) throws Exception {
      JdbcVersionedTarget target = target(table);
      target.createTableIfMissing();
      checkpoint();
      long returned = 0;
      long t0 = System.nanoTime();
      for (int from = 0; from < rows.v1.size(); from += s.batchSize()) {
        List<Change> batch = rows.v1.subList(from, Math.min(rows.v1.size(), from + s.batchSize()));
        int n = batch.size();
        String[] keys = new String[n];
        Short[] buckets = new Short[n];
        Long[] versions = new Long[n];
        Boolean[] deleted = new Boolean[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
          Change ch = batch.get(i);
          keys[i] = ch.key();
          buckets[i] = (short) bucket(ch.key());
          versions[i] = ch.version();
          deleted[i] = false;
          payloads[i] = MAPPER.writeValueAsString(ch.payload());
        }
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(upsertSql(q(table)))) {
          ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
          ps.setArray(2, c.createArrayOf("text", keys));
          ps.setArray(3, c.createArrayOf("int2", buckets));
          ps.setArray(4, c.createArrayOf("int8", versions));
          ps.setArray(5, c.createArrayOf("bool", deleted));
          ps.setArray(6, c.createArrayOf("text", payloads));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              returned++;
            }
          }
        }
      }
      double seconds = seconds(t0);
      count(Count.BARE_UPSERT_RETURNED, returned, s.rows());
      drop(table);
      return seconds;
    }

    /**
     * A fresh plain table, and the timed plain insert of every row into it, each payload serialized
     * in the loop as the target does; returns seconds.
     */
    private double plainInsertRound(PlainInsert form, String table) throws Exception {
      createPlain(table);
      checkpoint();
      String[] keys = new String[s.batchSize()];
      long[] versions = new long[s.batchSize()];
      String[] payloads = new String[s.batchSize()];
      long t0 = System.nanoTime();
      for (int from = 0; from < rows.v1.size(); from += s.batchSize()) {
        int n = Math.min(s.batchSize(), rows.v1.size() - from);
        for (int i = 0; i < n; i++) {
          Change ch = rows.v1.get(from + i);
          keys[i] = ch.key();
          versions[i] = ch.version();
          payloads[i] = MAPPER.writeValueAsString(ch.payload());
        }
        try (Connection c = poolFor(form).getConnection()) {
          form.insert(c, q(table), keys, versions, payloads, n);
        }
      }
      double seconds = seconds(t0);
      count(Count.PLAIN_INSERT_ROWS, rowCount(q(table)), s.rows());
      drop(table);
      return seconds;
    }

    private DataSource poolFor(PlainInsert form) {
      return form == PlainInsert.REWRITTEN_BATCH ? rewritingPool : pool;
    }

    /**
     * A fresh versioned table: the timed apply of every row, then of the same rows again, then of
     * every row one version newer; returns the three durations in seconds.
     */
    private double[] versionedRound(String table) throws Exception {
      JdbcVersionedTarget target = target(table);
      target.createTableIfMissing();
      checkpoint();
      double[] t = new double[3];
      Map<ApplyOutcome, Long> o = new EnumMap<>(ApplyOutcome.class);
      long t0 = System.nanoTime();
      applyAll(target, rows.v1, o);
      t[0] = seconds(t0);
      count(Count.APPLY_APPLIED, o.getOrDefault(ApplyOutcome.APPLIED, 0L), s.rows());

      o.clear();
      checkpoint();
      t0 = System.nanoTime();
      applyAll(target, rows.v1, o);
      t[1] = seconds(t0);
      count(Count.REAPPLY_DUPLICATE, o.getOrDefault(ApplyOutcome.DUPLICATE, 0L), s.rows());

      o.clear();
      checkpoint();
      t0 = System.nanoTime();
      applyAll(target, rows.v2, o);
      t[2] = seconds(t0);
      count(Count.UPDATE_APPLIED, o.getOrDefault(ApplyOutcome.APPLIED, 0L), s.rows());
      // each row holds its first or its second version, so the sum is that of the second versions
      // exactly when every row was updated
      count(Count.UPDATE_VERSION_SUM, versionSum(table), rows.v2.stream().mapToLong(Change::version).sum());
      drop(table);
      return t;
    }

    private void applyAll(VersionedTarget target, List<Change> changes, Map<ApplyOutcome, Long> outcomes)
        throws Exception {
      for (int from = 0; from < changes.size(); from += s.batchSize()) {
        for (ApplyOutcome a : target.apply(changes.subList(from, Math.min(changes.size(), from + s.batchSize())))) {
          outcomes.merge(a, 1L, Long::sum);
        }
      }
    }

    /**
     * (2) The backfill from the old table into a fresh target against a raw copy (and {@code
     * INSERT ... SELECT} as an upper bound); then (3) the reconciler between the old table and the
     * last backfilled target against a raw scan of both.
     */
    List<Result> backfillAndReconcile() throws Exception {
      createSource();
      JdbcSource source = JdbcSource.builder(pool).table(SOURCE_TABLE).keyColumn("id").versionColumn("rev")
          .rowMapper(rs -> parse(rs.getString("doc"))).segments(SOURCE_SEGMENTS).build();
      int total = s.warmupRounds() + s.rounds();
      double[] raw = new double[s.rounds()];
      double[] backfill = new double[s.rounds()];
      double[] checkpointed = new double[s.rounds()];
      double[] insertSelect = new double[s.rounds()];
      for (int r = 0; r < total; r++) {
        int round = r;
        double[] t = new double[4];
        List<Runnable> steps = new ArrayList<>(List.of(
            unchecked(() -> t[0] = rawCopyRound("rt_copy_" + round)),
            unchecked(() -> t[1] = backfillRound(source, "rt_backfill_" + round, false)),
            unchecked(() -> t[2] = backfillRound(source, "rt_backfill_cp_" + round, true))));
        java.util.Collections.rotate(steps, r);
        steps.forEach(Runnable::run);
        t[3] = insertSelectRound("rt_insert_select_" + r);
        log.printf(Locale.ROOT, "backfill %s: raw copy %s, Backfill %s, Backfill with JdbcCheckpointStore %s,"
            + " INSERT ... SELECT %s%n", round(r), rate(s.rows(), t[0]), rate(s.rows(), t[1]), rate(s.rows(), t[2]),
            rate(s.rows(), t[3]));
        if (r >= s.warmupRounds()) {
          int k = r - s.warmupRounds();
          raw[k] = t[0];
          backfill[k] = t[1];
          checkpointed[k] = t[2];
          insertSelect[k] = t[3];
        }
        if (r < total - 1) {
          drop("rt_backfill_" + r); // the last one stays, for the reconciliation
        }
      }
      Series rawSeries = new Series("keyset pages + plain insert (" + fastest.label + ")", s.rows(), raw);
      Series backfillSeries = new Series("Backfill", s.rows(), backfill);
      List<Result> out = new ArrayList<>();
      out.add(new Result("backfill", "rows", backfillSeries, rawSeries, 0.7));
      out.add(new Result("backfill with JdbcCheckpointStore (same database)", "rows",
          new Series("Backfill + JdbcCheckpointStore", s.rows(), checkpointed), rawSeries, Double.NaN));
      out.add(new Result("backfill against INSERT ... SELECT (upper bound, not a target)", "rows", backfillSeries,
          new Series("INSERT INTO ... SELECT ... FROM (one statement)", s.rows(), insertSelect), Double.NaN));
      String kept = "rt_backfill_" + (total - 1);
      out.addAll(reconcile(source, target(kept)));
      drop(kept);
      return out;
    }

    private double rawCopyRound(String table) throws Exception {
      createPlain(table);
      checkpoint();
      long t0 = System.nanoTime();
      long copied = 0;
      String after = null;
      String select = "SELECT id, rev, doc FROM " + SOURCE_TABLE + " WHERE id > ? ORDER BY id LIMIT ?";
      String selectFirst = "SELECT id, rev, doc FROM " + SOURCE_TABLE + " ORDER BY id LIMIT ?";
      String[] keys = new String[s.batchSize()];
      long[] revs = new long[s.batchSize()];
      String[] docs = new String[s.batchSize()];
      while (true) {
        int n = 0;
        try (Connection c = pool.getConnection()) {
          try (PreparedStatement ps = c.prepareStatement(after == null ? selectFirst : select)) {
            if (after != null) {
              ps.setString(1, after);
              ps.setInt(2, s.batchSize());
            } else {
              ps.setInt(1, s.batchSize());
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                keys[n] = rs.getString(1);
                revs[n] = rs.getLong(2);
                docs[n] = rs.getString(3);
                n++;
              }
            }
          }
        }
        if (n > 0) {
          try (Connection c = poolFor(fastest).getConnection()) {
            fastest.insert(c, q(table), keys, revs, docs, n);
          }
        }
        copied += n;
        if (n < s.batchSize()) {
          break;
        }
        after = keys[n - 1];
      }
      double seconds = seconds(t0);
      count(Count.RAW_COPY_ROWS, copied, s.rows());
      count(Count.RAW_COPY_ROWS, rowCount(q(table)), s.rows());
      drop(table);
      return seconds;
    }

    /**
     * A fresh target and the timed {@link Backfill} into it: one worker, pages of the batch size,
     * in-memory checkpoints (the default), or a {@link JdbcCheckpointStore} in the same database
     * (created, with a row per segment, inside the timed run, as its first run does).
     */
    private double backfillRound(JdbcSource source, String table, boolean jdbcCheckpoints) throws Exception {
      JdbcVersionedTarget target = target(table);
      target.createTableIfMissing();
      BackfillBuilder builder = Backfill.from(source).to(target).name(table).batchSize(s.batchSize()).workers(1);
      JdbcCheckpointStore store = null;
      if (jdbcCheckpoints) {
        store = JdbcCheckpointStore.builder(pool, table).build();
        builder.checkpoints(store);
      }
      checkpoint();
      long t0 = System.nanoTime();
      BackfillResult result;
      try (Backfill backfill = builder.build()) {
        result = backfill.run();
      }
      double seconds = seconds(t0);
      if (result.status() != BackfillResult.Status.COMPLETED) {
        throw new IllegalStateException("backfill into " + table + " ended " + result.status());
      }
      count(Count.BACKFILL_READ, result.counts().read(), s.rows());
      count(Count.BACKFILL_APPLIED, result.counts().applied(), s.rows());
      count(Count.BACKFILL_SEGMENTS, result.segmentsDone(), source.segments());
      count(Count.BACKFILL_TARGET_ROWS, rowCount(q(table)), s.rows());
      if (store != null) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
          st.execute("DROP TABLE " + store.table());
        }
        drop(table);
      }
      return seconds;
    }

    private double insertSelectRound(String table) throws Exception {
      createPlain(table);
      checkpoint();
      long t0 = System.nanoTime();
      long inserted;
      try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
        // hashtext, not CRC-32C (PostgreSQL has none): the same spread of rows over the index
        inserted = st.executeUpdate("INSERT INTO " + q(table) + " " + PLAIN_COLUMNS
            + " SELECT id, hashtext(id) & 1023, rev, FALSE, doc, now() FROM " + SOURCE_TABLE);
      }
      double seconds = seconds(t0);
      count(Count.INSERT_SELECT_ROWS, inserted, s.rows());
      drop(table);
      return seconds;
    }

    /** (3) Reconciler against a raw scan of both sides; rates count the rows of both sides. */
    private List<Result> reconcile(JdbcSource source, JdbcVersionedTarget target) throws Exception {
      int total = s.warmupRounds() + s.rounds();
      double[] rec = new double[s.rounds()];
      double[] raw = new double[s.rounds()];
      double[] reads = new double[s.rounds()];
      Reconciler reconciler = Reconciler.between(source, target).pageSize(s.scanPageSize()).build();
      for (int r = 0; r < total; r++) {
        double[] t = new double[3];
        List<Runnable> steps = new ArrayList<>(List.of(
            unchecked(() -> {
              long t0 = System.nanoTime();
              long n = rawScan(SOURCE_TABLE, "id", "doc") + rawScan(q(target.table()), "entity_key", "payload");
              t[1] = seconds(t0);
              count(Count.RAW_SCAN_ROWS, n, 2L * s.rows());
            }),
            unchecked(() -> {
              long t0 = System.nanoTime();
              ReconciliationReport report = reconciler.run();
              t[0] = seconds(t0);
              ReconciliationReport.Counts c = report.counts();
              count(Count.RECONCILE_OLD_ROWS, c.oldRows(), s.rows());
              count(Count.RECONCILE_NEW_ROWS, c.newRows(), s.rows());
              count(Count.RECONCILE_DISCREPANCIES,
                  c.missingInNew() + c.extraInNew() + c.different() + c.collisions() + c.errors(), 0);
            }),
            unchecked(() -> {
              long t0 = System.nanoTime();
              long n = readAll(source) + readAll(target);
              t[2] = seconds(t0);
              count(Count.SOURCE_READS_ROWS, n, 2L * s.rows());
            })));
        java.util.Collections.rotate(steps, r);
        steps.forEach(Runnable::run);
        log.printf(Locale.ROOT, "reconcile %s (rows of both sides): raw scan %s, reconciler %s;"
            + " both sides read through their SegmentedSource %s%n",
            round(r), rate(2L * s.rows(), t[1]), rate(2L * s.rows(), t[0]), rate(2L * s.rows(), t[2]));
        if (r >= s.warmupRounds()) {
          rec[r - s.warmupRounds()] = t[0];
          raw[r - s.warmupRounds()] = t[1];
          reads[r - s.warmupRounds()] = t[2];
        }
      }
      Series rawSeries = new Series("keyset scan of both sides + SHA-256 per row", 2L * s.rows(), raw);
      return List.of(
          new Result("reconciliation (rows of both sides)", "rows", new Series("Reconciler", 2L * s.rows(), rec),
              rawSeries, 0.8),
          new Result("diagnostic: both sides read page by page through readPage(segment, token, limit), nothing else",
              "rows", new Series("JdbcSource + JdbcVersionedTarget reads", 2L * s.rows(), reads), rawSeries,
              Double.NaN));
    }

    /** Every row of every segment, read as the reconciler reads it (pages of the scan page size); returns rows. */
    private long readAll(SegmentedSource side) throws Exception {
      long n = 0;
      for (int segment = 0; segment < side.segments(); segment++) {
        String token = null;
        do {
          SegmentedSource.Page page = side.readPage(segment, token, s.scanPageSize());
          n += page.rows().size();
          token = page.next();
        } while (token != null);
      }
      return n;
    }

    /** Reads every row of a table in keyset pages and hashes its key and payload text; returns rows read. */
    private long rawScan(String table, String key, String payload) throws SQLException {
      MessageDigest sha = sha256();
      String first = "SELECT " + key + ", " + payload + " FROM " + table + " ORDER BY " + key + " LIMIT ?";
      String next = "SELECT " + key + ", " + payload + " FROM " + table + " WHERE " + key + " > ? ORDER BY " + key
          + " LIMIT ?";
      long read = 0;
      long fold = 0;
      String after = null;
      while (true) {
        int n = 0;
        try (Connection c = pool.getConnection();
            PreparedStatement ps = c.prepareStatement(after == null ? first : next)) {
          int p = 1;
          if (after != null) {
            ps.setString(p++, after);
          }
          ps.setInt(p, s.scanPageSize());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              after = rs.getString(1);
              sha.update(after.getBytes(StandardCharsets.UTF_8));
              byte[] h = sha.digest(rs.getString(2).getBytes(StandardCharsets.UTF_8));
              fold += h[0];
              n++;
            }
          }
        }
        read += n;
        if (n < s.scanPageSize()) {
          break;
        }
      }
      if (fold == Long.MIN_VALUE) {
        log.println("(never printed: keeps the hashes observable)");
      }
      return read;
    }

    // ---------------------------------------------------------------- tables

    private JdbcVersionedTarget target(String table) throws SQLException {
      return JdbcVersionedTarget.builder(pool).table(table).batchSize(s.batchSize()).dialect(SqlDialect.POSTGRESQL)
          .build();
    }

    /** A plain table with exactly the versioned target's DDL: same columns, primary key and segment index. */
    private void createPlain(String table) throws SQLException {
      try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
        for (String ddl : target(table).schemaStatements()) {
          st.execute(ddl);
        }
      }
    }

    /** The old table, filled once with every row's first version: {@code id}, {@code rev}, {@code doc} (jsonb). */
    private void createSource() throws SQLException {
      long t0 = System.nanoTime();
      try (Connection c = pool.getConnection()) {
        try (Statement st = c.createStatement()) {
          st.execute("DROP TABLE IF EXISTS " + SOURCE_TABLE);
          st.execute("CREATE TABLE " + SOURCE_TABLE
              + " (id VARCHAR(64) NOT NULL PRIMARY KEY, rev BIGINT NOT NULL, doc JSONB NOT NULL)");
        }
        String sql = "INSERT INTO " + SOURCE_TABLE + " (id, rev, doc) VALUES (?, ?, CAST(? AS jsonb))";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (int i = 0; i < rows.v1.size(); i++) {
            Change ch = rows.v1.get(i);
            ps.setString(1, ch.key());
            ps.setLong(2, ch.version());
            ps.setString(3, rows.json.get(i));
            ps.addBatch();
            if ((i + 1) % 1000 == 0) {
              ps.executeBatch();
            }
          }
          ps.executeBatch();
        }
        try (Statement st = c.createStatement()) {
          st.execute("VACUUM ANALYZE " + SOURCE_TABLE);
        }
      }
      count(Count.SOURCE_ROWS, rowCount(SOURCE_TABLE), s.rows());
      log.printf(Locale.ROOT, "old table %s filled with %,d rows in %d ms%n", SOURCE_TABLE, s.rows(),
          (System.nanoTime() - t0) / 1_000_000);
    }

    /** Rows of a table, named as SQL wants it (quoted where needed). */
    private long rowCount(String sqlTable) throws SQLException {
      return single("SELECT COUNT(*) FROM " + sqlTable);
    }

    private long versionSum(String table) throws SQLException {
      return single("SELECT COALESCE(SUM(version), 0) FROM " + q(table));
    }

    private long single(String sql) throws SQLException {
      try (Connection c = pool.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    private void drop(String table) throws SQLException {
      try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + q(table));
      }
    }

    /** Writes dirty pages out before a timed step, so a checkpoint does not land in the middle of one. */
    private void checkpoint() throws SQLException {
      try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
        st.execute("CHECKPOINT");
      }
    }

    private void count(Count what, long actual, long expected) {
      if (actual != expected) {
        throw new IllegalStateException(what + ": counted " + actual + ", expected " + expected);
      }
      counts.put(what, actual);
    }
  }

  /** The plain inserts of a batch: no condition, no {@code RETURNING}, in auto-commit like the target. */
  enum PlainInsert {
    /** One multi-row {@code INSERT ... VALUES (...), (...)}: the target's statement without its conflict clause. */
    VALUES("multi-row INSERT ... VALUES") {
      @Override
      void insert(Connection c, String table, String[] keys, long[] versions, String[] payloads, int n)
          throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(valuesSql(table, n))) {
          OffsetDateTime now = now();
          int p = 1;
          for (int i = 0; i < n; i++) {
            ps.setString(p++, keys[i]);
            ps.setInt(p++, bucket(keys[i]));
            ps.setLong(p++, versions[i]);
            ps.setBoolean(p++, false);
            ps.setString(p++, payloads[i]);
            ps.setObject(p++, now);
          }
          ps.executeUpdate();
        }
      }
    },
    /** {@code addBatch}/{@code executeBatch} of a one-row insert; pgJDBC rewrites it into multi-row inserts. */
    REWRITTEN_BATCH("JDBC batch, reWriteBatchedInserts=true") {
      @Override
      void insert(Connection c, String table, String[] keys, long[] versions, String[] payloads, int n)
          throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(valuesSql(table, 1))) {
          OffsetDateTime now = now();
          for (int i = 0; i < n; i++) {
            ps.setString(1, keys[i]);
            ps.setInt(2, bucket(keys[i]));
            ps.setLong(3, versions[i]);
            ps.setBoolean(4, false);
            ps.setString(5, payloads[i]);
            ps.setObject(6, now);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
    },
    /** One {@code INSERT ... SELECT ... FROM unnest(?, ?, ?, ?)} of four arrays: a statement of constant size. */
    UNNEST("INSERT ... SELECT FROM unnest(arrays)") {
      @Override
      void insert(Connection c, String table, String[] keys, long[] versions, String[] payloads, int n)
          throws SQLException {
        Integer[] buckets = new Integer[n];
        Long[] v = new Long[n];
        for (int i = 0; i < n; i++) {
          buckets[i] = bucket(keys[i]);
          v[i] = versions[i];
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " " + PLAIN_COLUMNS
            + " SELECT k, b, v, FALSE, CAST(p AS jsonb), ? FROM unnest(CAST(? AS text[]), CAST(? AS int[]),"
            + " CAST(? AS bigint[]), CAST(? AS text[])) AS u(k, b, v, p)")) {
          ps.setObject(1, now());
          ps.setArray(2, c.createArrayOf("text", Arrays.copyOf(keys, n)));
          ps.setArray(3, c.createArrayOf("int4", buckets));
          ps.setArray(4, c.createArrayOf("int8", v));
          ps.setArray(5, c.createArrayOf("text", Arrays.copyOf(payloads, n)));
          ps.executeUpdate();
        }
      }
    };

    final String label;

    PlainInsert(String label) {
      this.label = label;
    }

    /** Inserts rows {@code 0} to {@code n - 1}; {@code table} is quoted. */
    abstract void insert(Connection c, String table, String[] keys, long[] versions, String[] payloads, int n)
        throws SQLException;

    private static OffsetDateTime now() {
      return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }
  }

  private static final Map<String, String> VALUES_SQL = new HashMap<>();

  /** The target's conditional upsert of a batch, as {@code TargetSql} builds it for PostgreSQL. */
  private static String upsertSql(String table) {
    return "INSERT INTO " + table + " AS cur " + PLAIN_COLUMNS
        + " SELECT k, b, v, d, CAST(p AS jsonb), CAST(? AS timestamptz) FROM unnest(CAST(? AS text[]),"
        + " CAST(? AS int2[]), CAST(? AS int8[]), CAST(? AS bool[]), CAST(? AS text[])) AS u(k, b, v, d, p)"
        + " ON CONFLICT (entity_key) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted,"
        + " payload = EXCLUDED.payload, applied_at = EXCLUDED.applied_at WHERE cur.version < EXCLUDED.version"
        + " RETURNING entity_key";
  }

  private static synchronized String valuesSql(String table, int n) {
    return VALUES_SQL.computeIfAbsent(table + "/" + n, k -> {
      StringBuilder b = new StringBuilder("INSERT INTO ").append(table).append(' ').append(PLAIN_COLUMNS)
          .append(" VALUES ");
      for (int i = 0; i < n; i++) {
        b.append(i == 0 ? "" : ", ").append(PLAIN_ROW);
      }
      return b.toString();
    });
  }

  /** The target's bucket of a key: CRC-32C of its UTF-8 bytes modulo 1024. */
  static int bucket(String key) {
    CRC32C crc = new CRC32C();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % 1024);
  }

  private static JsonNode parse(String json) throws SQLException {
    try {
      return READER.readTree(json);
    } catch (IOException e) {
      throw new SQLException("doc is not JSON", e);
    }
  }

  // ---------------------------------------------------------------- DynamoDB

  /** (4) The target's conditional puts against unconditional puts of the same items, same parallelism. */
  static Result dynamo(Settings s, Rows rows, Map<Count, Long> counts, PrintStream log) throws Exception {
    long t0 = System.nanoTime();
    AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
    ExecutorService writers = Executors.newFixedThreadPool(s.dynamoInFlight(), r -> {
      Thread t = new Thread(r, "plain-put");
      t.setDaemon(true);
      return t;
    });
    try {
      DynamoDbClient client = local.dynamoDbClient();
      log.printf(Locale.ROOT, "DynamoDB Local started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      int total = s.warmupRounds() + s.rounds();
      double[] conditional = new double[s.rounds()];
      double[] plain = new double[s.rounds()];
      for (int r = 0; r < total; r++) {
        int round = r;
        double[] t = new double[2];
        Runnable versioned = unchecked(() -> {
          String table = "rt-versioned-" + round;
          createTable(client, table);
          try (DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(client, table)
              .maxInFlight(s.dynamoInFlight()).build()) {
            long applied = 0;
            long start = System.nanoTime();
            for (int from = 0; from < rows.v1.size(); from += s.batchSize()) {
              for (ApplyOutcome o : target.apply(rows.v1.subList(from, Math.min(rows.v1.size(), from + s.batchSize())))) {
                applied += o == ApplyOutcome.APPLIED ? 1 : 0;
              }
            }
            t[0] = seconds(start);
            check(counts, Count.DYNAMO_APPLIED, applied, s.dynamoItems());
          }
          client.deleteTable(d -> d.tableName(table));
        });
        Runnable unconditional = unchecked(() -> {
          String table = "rt-plain-" + round;
          createTable(client, table);
          long start = System.nanoTime();
          for (int from = 0; from < rows.v1.size(); from += s.batchSize()) {
            putAll(client, table, rows.v1.subList(from, Math.min(rows.v1.size(), from + s.batchSize())), writers);
          }
          t[1] = seconds(start);
          check(counts, Count.DYNAMO_PUT_ITEMS, itemCount(client, table), s.dynamoItems());
          client.deleteTable(d -> d.tableName(table));
        });
        if (r % 2 == 0) {
          unconditional.run();
          versioned.run();
        } else {
          versioned.run();
          unconditional.run();
        }
        log.printf(Locale.ROOT, "dynamodb %s: unconditional PutItem %s, conditional apply %s (items)%n",
            round(r), rate(s.dynamoItems(), t[1]), rate(s.dynamoItems(), t[0]));
        if (r >= s.warmupRounds()) {
          conditional[r - s.warmupRounds()] = t[0];
          plain[r - s.warmupRounds()] = t[1];
        }
      }
      return new Result("DynamoDB Local: conditional apply vs unconditional PutItem", "items",
          new Series("DynamoDbVersionedTarget.apply", s.dynamoItems(), conditional),
          new Series("unconditional PutItem", s.dynamoItems(), plain), Double.NaN);
    } finally {
      writers.shutdownNow();
      local.shutdown();
    }
  }

  /** One unconditional put per change, the same item the target writes, all in flight on {@code writers}. */
  private static void putAll(DynamoDbClient client, String table, List<Change> batch, ExecutorService writers)
      throws InterruptedException, ExecutionException {
    long now = System.currentTimeMillis();
    List<Future<?>> calls = new ArrayList<>(batch.size());
    for (Change ch : batch) {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("pk", AttributeValue.fromS(ch.key()));
      item.put("version", AttributeValue.fromN(Long.toString(ch.version())));
      item.put("deleted", AttributeValue.fromBool(false));
      item.put("appliedAt", AttributeValue.fromN(Long.toString(now)));
      item.put("payload", DynamoDbJson.toAttribute(ch.payload()));
      PutItemRequest put = PutItemRequest.builder().tableName(table).item(item).build();
      calls.add(writers.submit(() -> client.putItem(put)));
    }
    for (Future<?> f : calls) {
      f.get();
    }
  }

  /**
   * The target's table layout (a string partition key {@code pk}, on-demand) without the stream
   * {@code createTableIfMissing} enables: DynamoDB Local (2.6.1) reads its stream's description on
   * every write, at a cost that grows with the stream records written, so with a stream each put
   * gets slower as the table fills and a run measures DynamoDB Local's stream bookkeeping, not the
   * writes. Both systems write into tables created here.
   */
  static void createTable(DynamoDbClient client, String table) {
    client.createTable(CreateTableRequest.builder().tableName(table)
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S)
            .build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
        .billingMode(BillingMode.PAY_PER_REQUEST).build());
    client.waiter().waitUntilTableExists(r -> r.tableName(table));
  }

  private static long itemCount(DynamoDbClient client, String table) {
    long n = 0;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = client.scan(ScanRequest.builder().tableName(table).select(Select.COUNT)
          .exclusiveStartKey(from).build());
      n += page.count();
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return n;
  }

  private static void check(Map<Count, Long> counts, Count what, long actual, long expected) {
    if (actual != expected) {
      throw new IllegalStateException(what + ": counted " + actual + ", expected " + expected);
    }
    counts.put(what, actual);
  }

  // ---------------------------------------------------------------- report

  /** The results as Markdown: one row per scenario. */
  public static String markdown(Report r) {
    StringBuilder b = new StringBuilder();
    Settings s = r.settings();
    b.append(String.format(Locale.ROOT, "%,d rows on PostgreSQL in batches of %d, %,d items on DynamoDB Local"
        + " (%d in flight); %d warm-up + %d measured rounds; rates are median (min to max) over the measured"
        + " rounds; ratio = Cutover's median / baseline's median.%n%n", s.rows(), s.batchSize(), s.dynamoItems(),
        s.dynamoInFlight(), s.warmupRounds(), s.rounds()));
    b.append("| Scenario | Cutover | per s | Baseline | per s | Ratio | Target | Met |\n");
    b.append("| --- | --- | ---: | --- | ---: | ---: | ---: | --- |\n");
    for (Result x : r.results()) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f | %s | %s |%n", x.scenario(),
          x.cutover().label(), cell(x.cutover()), x.baseline().label(), cell(x.baseline()), x.ratio(),
          Double.isNaN(x.target()) ? "—" : String.format(Locale.ROOT, "≥ %.1f", x.target()),
          x.met() == null ? "—" : x.met() ? "yes" : "**no**"));
    }
    b.append(String.format(Locale.ROOT, "%nThe plain insert forms of the apply measurement (the fastest is its"
        + " baseline and the raw copy's insert):%n%n| Plain insert | rows per s |%n| --- | ---: |%n"));
    for (Series x : r.plainForms()) {
      b.append(String.format(Locale.ROOT, "| %s | %s |%n", x.label(), cell(x)));
    }
    return b.toString();
  }

  private static String cell(Series x) {
    return String.format(Locale.ROOT, "%,.0f (%,.0f to %,.0f)", x.median(), x.min(), x.max());
  }

  // ---------------------------------------------------------------- helpers

  /** A pool over the database; {@code rewrite}: pgJDBC rewrites JDBC batches of inserts into multi-row inserts. */
  private static HikariDataSource pool(TestDatabase db, boolean rewrite) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(db.jdbcUrl());
    ds.setUser(db.user());
    ds.setReWriteBatchedInserts(rewrite);
    HikariConfig config = new HikariConfig();
    config.setDataSource(ds);
    config.setPoolName(rewrite ? "replication-throughput-rewriting" : "replication-throughput");
    config.setMaximumPoolSize(POOL_SIZE);
    return new HikariDataSource(config);
  }

  private static String environment(HikariDataSource pool, Settings s) throws SQLException {
    String pgVersion;
    String settings;
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SHOW server_version")) {
        rs.next();
        pgVersion = rs.getString(1);
      }
      try (ResultSet rs = st.executeQuery("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name)"
          + " FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size')")) {
        rs.next();
        settings = rs.getString(1);
      }
    }
    return String.format(Locale.ROOT,
        "replication throughput, %s%n  JVM: %s %s, max heap %d MiB; %d cores; %s %s%n"
            + "  PostgreSQL %s (embedded, zonky; %s), HikariCP pool of %d; DynamoDB Local in-process%n  %s",
        Instant.now(), System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.version"), pgVersion, settings, POOL_SIZE, s);
  }

  /** {@code /proc/loadavg} (1, 5 and 15 minutes), or a note where there is none. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown (no /proc/loadavg)";
    }
  }

  private static String q(String table) {
    return "\"" + table + "\"";
  }

  private static String round(int r) {
    return "round " + (r + 1);
  }

  private static String rate(long units, double seconds) {
    return String.format(Locale.ROOT, "%,.0f/s (%.2f s)", units / seconds, seconds);
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Work that may throw. */
  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private static Runnable unchecked(Step step) {
    return () -> {
      try {
        step.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }
}
