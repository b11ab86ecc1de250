package dev.cutover.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.Change;
import dev.cutover.replication.postgres.RecordingTarget.Delivery;
import dev.cutover.replication.spi.ApplyOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Over random histories of transactions on a few keys, a capture stopped at a random point (its
 * offsets frozen a little earlier, so a random stretch comes again) and started again gives every
 * key strictly increasing versions: each run's changes increase along the log, and a change
 * delivered again carries exactly the version and content it had the first time. The target ends
 * equal to the source.
 *
 * <p>Each try starts two captures on a table of its own (a few seconds): 5 tries, of histories up
 * to 16 transactions, or up to 40 with {@code -Dcutover.long=true}. The statistics report how many
 * tries delivered changes again after the restart.
 */
class LogVersionRestartProperties {
    private static final boolean LONG = Boolean.getBoolean("cutover.long");
    private static final String DATABASE = LogicalPostgres.createDatabase("versions");
    private static final DataSource SOURCE = LogicalPostgres.dataSource(DATABASE);
    private static final PostgresShardCheckpointStore CHECKPOINTS =
            PostgresShardCheckpointStore.builder(SOURCE).build();
    private static final AtomicInteger TRIES = new AtomicInteger();

    /** One statement's intent: write (insert or update) or delete a key. */
    record Op(int key, boolean delete, int value) {}

    @Provide
    Arbitrary<List<List<Op>>> histories() {
        Arbitrary<Op> op = Combinators.combine(
                        Arbitraries.integers().between(1, 6),
                        Arbitraries.integers().between(0, 3).map(n -> n == 0),
                        Arbitraries.integers().between(0, 1_000_000))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(5).list().ofMinSize(6).ofMaxSize(LONG ? 40 : 16);
    }

    @Property(tries = 5, edgeCases = EdgeCasesMode.NONE)
    void versionsIncreasePerKeyAcrossARestart(
            @ForAll("histories") List<List<Op>> history,
            @ForAll @IntRange(min = 30, max = 100) int splitPercent,
            @ForAll @IntRange(min = 0, max = 90) int freezePercent,
            @ForAll @IntRange(min = 1, max = 4) int batchSize)
            throws Exception {
        int n = TRIES.incrementAndGet();
        String table = "hist_" + n;
        String name = "versions_" + n;
        execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL)");
        int split = history.size() * splitPercent / 100;
        Map<Integer, Integer> model = new HashMap<>();
        RecordingTarget target = new RecordingTarget();
        FreezableCheckpoints checkpoints = new FreezableCheckpoints(CHECKPOINTS);

        PostgresChangeCapture first = capture(name, table, target, checkpoints, batchSize);
        first.start();
        int firstChanges = write(table, history.subList(0, split), model);
        int freezeAfter = Math.max(1, firstChanges * freezePercent / 100);
        target.afterApply(() -> {
            if (target.size() >= freezeAfter) {
                checkpoints.freeze();
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> target.size() >= firstChanges);
        first.close();

        target.run(2);
        target.afterApply(null);
        try (PostgresChangeCapture second = capture(name, table, target, CHECKPOINTS, batchSize)) {
            second.start();
            write(table, history.subList(split, history.size()), model);
            await().atMost(Duration.ofSeconds(30)).until(() -> matches(table, target));
        } finally {
            dropSlot(name);
        }

        List<Delivery> deliveries = target.deliveries();
        for (int run = 1; run <= 2; run++) {
            long last = 0;
            for (Delivery d : deliveries) {
                if (d.run() == run) {
                    assertThat(d.change().version())
                            .as("run %d: versions increase along the log", run)
                            .isGreaterThan(last);
                    last = d.change().version();
                }
            }
        }
        Map<Long, Change> firstRun = new HashMap<>();
        Map<String, Long> firstRunMax = new HashMap<>();
        for (Delivery d : deliveries) {
            if (d.run() == 1) {
                firstRun.put(d.change().version(), d.change());
                firstRunMax.merge(d.change().key(), d.change().version(), Math::max);
            }
        }
        int again = 0;
        for (Delivery d : deliveries) {
            if (d.run() != 2) {
                continue;
            }
            long newest = firstRunMax.getOrDefault(d.change().key(), 0L);
            if (d.change().version() <= newest
                    || firstRun.containsKey(d.change().version())) {
                Change before = firstRun.get(d.change().version());
                assertThat(before)
                        .as("a change delivered again has the version it had: %s", d.change())
                        .isNotNull();
                assertThat(d.change().key()).isEqualTo(before.key());
                assertThat(d.change().kind()).isEqualTo(before.kind());
                assertThat(d.change().payload()).isEqualTo(before.payload());
                assertThat(d.outcome()).isNotEqualTo(ApplyOutcome.APPLIED);
                again++;
            } else {
                assertThat(d.outcome())
                        .as("a change first seen after the restart is newer than anything before")
                        .isEqualTo(ApplyOutcome.APPLIED);
            }
        }
        Statistics.label("changes delivered again after the restart").collect(again > 0 ? "some" : "none");
    }

    private static PostgresChangeCapture capture(
            String name,
            String table,
            RecordingTarget target,
            dev.cutover.replication.spi.ShardCheckpointStore checkpoints,
            int batchSize) {
        return PostgresChangeCapture.builder(LogicalPostgres.jdbcUrl(DATABASE), LogicalPostgres.USER, "")
                .name(name)
                .table(TableMapping.table(table).key("id"))
                .checkpoints(checkpoints)
                .into(target)
                .batchSize(batchSize)
                .lease(Duration.ofSeconds(5))
                .build();
    }

    /** Writes the transactions, resolving each op against the model; returns the row changes written. */
    private static int write(String table, List<List<Op>> transactions, Map<Integer, Integer> model)
            throws SQLException {
        int changes = 0;
        try (Connection c = SOURCE.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (List<Op> transaction : transactions) {
                for (Op op : transaction) {
                    if (op.delete()) {
                        if (model.remove(op.key()) != null) {
                            s.execute("DELETE FROM " + table + " WHERE id = " + op.key());
                            changes++;
                        }
                    } else {
                        s.execute(
                                model.containsKey(op.key())
                                        ? "UPDATE " + table + " SET v = " + op.value() + " WHERE id = " + op.key()
                                        : "INSERT INTO " + table + " VALUES (" + op.key() + ", " + op.value() + ")");
                        model.put(op.key(), op.value());
                        changes++;
                    }
                }
                c.commit();
            }
        }
        return changes;
    }

    /** Whether the target holds exactly the table's rows (deleted keys as tombstones or absent). */
    private static boolean matches(String table, RecordingTarget target) throws Exception {
        Map<String, Integer> rows = new HashMap<>();
        try (Connection c = SOURCE.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                rows.put(Integer.toString(rs.getInt(1)), rs.getInt(2));
            }
        }
        for (int key = 1; key <= 6; key++) {
            Integer expected = rows.get(Integer.toString(key));
            var held = target.read(Integer.toString(key));
            boolean live = held.isPresent() && held.get().kind() == Change.Kind.UPSERT;
            if (expected == null ? live : !live || held.get().payload().get("v").asInt() != expected) {
                return false;
            }
        }
        return true;
    }

    private static void dropSlot(String slot) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Connection c = SOURCE.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active")) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        });
        execute("SELECT pg_drop_replication_slot('" + slot + "')");
    }

    private static void execute(String sql) {
        LogicalPostgres.execute(SOURCE, sql);
    }
}
