package dev.cutover.replication.postgres;

import static org.awaitility.Awaitility.await;

import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.VersionedTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A source database with a table {@code items} of many column types, a JDBC versioned target in a
 * database of its own, a checkpoint store, and a workload of random transactions that keeps a
 * model of which keys exist so every statement changes exactly one row.
 */
final class Scenario {
    static final String TABLE = "public.items";

    final String name;
    final String sourceDatabase;
    final DataSource source;
    final String targetDatabase;
    final DataSource targetSource;
    final JdbcVersionedTarget target;
    final PostgresShardCheckpointStore checkpoints;
    private final Set<Long> present = new HashSet<>();
    private long rowChanges;

    private Scenario(String name) throws SQLException {
        this.name = name;
        this.sourceDatabase = LogicalPostgres.createDatabase(name);
        this.source = LogicalPostgres.dataSource(sourceDatabase);
        LogicalPostgres.execute(
                source,
                "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, price NUMERIC(14,2), ratio DOUBLE PRECISION,"
                        + " doc JSONB, at TIMESTAMPTZ, day DATE, seen TIMESTAMP, ok BOOLEAN, blob BYTEA)");
        this.targetDatabase = LogicalPostgres.createDatabase(name + "_new");
        this.targetSource = LogicalPostgres.dataSource(targetDatabase);
        this.target =
                JdbcVersionedTarget.builder(targetSource).table("items_v2").build();
        target.createTableIfMissing();
        this.checkpoints = PostgresShardCheckpointStore.builder(targetSource).build();
    }

    static Scenario create(String name) throws SQLException {
        return new Scenario(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** A capture of {@code items} into {@code into}, named (and its slot named) after the scenario. */
    PostgresChangeCapture.Builder capture(VersionedTarget into) {
        return PostgresChangeCapture.builder(LogicalPostgres.jdbcUrl(sourceDatabase), LogicalPostgres.USER, "")
                .name(name)
                .table(TableMapping.table(TABLE).key("id"))
                .checkpoints(checkpoints)
                .into(into)
                .lease(Duration.ofSeconds(5))
                .heartbeat(Duration.ofSeconds(1));
    }

    PostgresChangeCapture.Builder capture() {
        return capture(target);
    }

    /** Row changes written so far (each statement changes one row). */
    synchronized long rowChanges() {
        return rowChanges;
    }

    /** A thread writing random transactions of 1 to 3 statements over {@code keys} keys until stopped. */
    final class Writer {
        private final AtomicBoolean writing = new AtomicBoolean(true);
        private final CompletableFuture<Void> done;

        private Writer(Random random, int keys) {
            done = CompletableFuture.runAsync(() -> {
                try {
                    while (writing.get()) {
                        randomTransactions(random, 1, 3, keys);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        /** Stops writing and waits for the transaction in progress. */
        void stop() throws Exception {
            writing.set(false);
            done.get(30, TimeUnit.SECONDS);
        }
    }

    Writer writer(Random random, int keys) {
        return new Writer(random, keys);
    }

    /**
     * Runs {@code transactions} random transactions of 1 to {@code maxStatements} statements each,
     * over keys 1 to {@code keys}: inserts of absent keys, updates and deletes of present ones, a
     * key sometimes changed twice in one transaction.
     */
    synchronized void randomTransactions(Random random, int transactions, int maxStatements, int keys)
            throws SQLException {
        try (Connection c = source.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int t = 0; t < transactions; t++) {
                int statements = 1 + random.nextInt(maxStatements);
                for (int i = 0; i < statements; i++) {
                    s.execute(randomStatement(random, keys));
                }
                c.commit();
            }
        }
    }

    private String randomStatement(Random random, int keys) {
        long key = 1 + random.nextInt(keys);
        rowChanges++;
        if (!present.contains(key)) {
            present.add(key);
            return "INSERT INTO items VALUES (" + key + ", " + values(random) + ")";
        }
        if (random.nextInt(4) == 0) {
            present.remove(key);
            return "DELETE FROM items WHERE id = " + key;
        }
        return "UPDATE items SET (name, price, ratio, doc, at, day, seen, ok, blob) = (" + values(random)
                + ") WHERE id = " + key;
    }

    private static String values(Random random) {
        int n = random.nextInt(1_000_000);
        return "'name " + n + " ✓ \uD83D\uDE80', " + (n / 100) + "." + String.format("%02d", n % 100) + ", "
                + (n / 7.0) + ", '{\"n\": " + n + ", \"exact\": 12345678901234567.89, \"list\": [1, 2.50]}', "
                + "TIMESTAMPTZ '2024-05-01 10:15:30.123456+02' + interval '" + n + " seconds', "
                + "DATE '2024-01-01' + " + (n % 300) + ", "
                + "TIMESTAMP '2024-05-01 10:15:00' + interval '" + n + " milliseconds', "
                + (n % 2 == 0) + ", '\\x" + String.format("%06x", n) + "'::bytea";
    }

    /** Reconciles {@code items} against the target. */
    ReconciliationReport reconcile() throws Exception {
        JdbcSource old = JdbcSource.builder(source)
                .table("items")
                .keyColumn("id")
                .stampWith(new HybridLogicalClock())
                .build();
        return Reconciler.between(old, target).build().run();
    }

    /** Waits until a reconciliation of {@code items} against the target is clean. */
    void awaitConverged(Duration atMost) {
        AtomicReference<String> last = new AtomicReference<>("not reconciled");
        await("reconciliation clean")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .conditionEvaluationListener(e -> {})
                .until(() -> {
                    ReconciliationReport report = reconcile();
                    last.set(report.summary());
                    return report.clean();
                });
    }

    /** Keys present in the source now. */
    Set<Long> presentKeys() {
        return Set.copyOf(present);
    }

    /** The source's row count, by SQL. */
    long sourceRows() throws SQLException {
        try (Connection c = source.getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM items")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every statement in the given order as one transaction, for tests that script a history. */
    void transaction(List<String> statements) throws SQLException {
        try (Connection c = source.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : new ArrayList<>(statements)) {
                s.execute(sql);
            }
            c.commit();
        }
    }
}
