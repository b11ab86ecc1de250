package dev.cutover.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.testkit.contract.FailedWriteJournalContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The journal contract, plus what only a database-backed journal promises, on one database. Every
 * test gets its own table prefix, so tests never see each other's rows. All access goes through a
 * {@link TestPool}, which checks after each test that every connection came back, as lent.
 */
abstract class JdbcFailedWriteJournalContract extends FailedWriteJournalContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /** The journal under test, as its class. */
    protected JdbcFailedWriteJournal jdbc;

    /** The pool on the database under test, shared by the tests of a class. */
    protected abstract TestPool pool();

    /** The dialect the database should be detected as. */
    protected abstract SqlDialect expectedDialect();

    /**
     * Prepares the session for {@code EXPLAIN}ing the pending query on a small table: brings the
     * statistics up to date and, where a planner would rightly scan a table this small, tells it to
     * plan as for a large one.
     */
    protected void beforeExplain(Statement s, String quotedTable) throws SQLException {
        s.execute("ANALYZE TABLE " + quotedTable);
    }

    /** Undoes session settings of {@link #beforeExplain}, before the connection goes back. */
    protected void afterExplain(Statement s) throws SQLException {}

    @Override
    protected FailedWriteJournal newJournal() throws Exception {
        jdbc = JdbcFailedWriteJournal.builder(pool()).tablePrefix(newPrefix()).build();
        jdbc.createSchemaIfMissing();
        return jdbc;
    }

    private static String newPrefix() {
        return "j" + PREFIXES.incrementAndGet() + "_";
    }

    @AfterEach
    void everyConnectionCameBackAsLent() {
        assertThat(pool().outstanding()).as("connections not returned").isZero();
        assertThat(pool().problems()).isEmpty();
    }

    private JdbcFailedWriteJournal sameTable() throws SQLException {
        return JdbcFailedWriteJournal.builder(pool())
                .tablePrefix(jdbc.tablePrefix())
                .dialect(jdbc.dialect())
                .build();
    }

    @Test
    void dialectIsDetectedFromTheConnection() {
        assertThat(jdbc.dialect()).isEqualTo(expectedDialect());
    }

    @Test
    void createSchemaIfMissingIsIdempotentAndKeepsEntries() throws Exception {
        long id = jdbc.append(write("kept"));
        jdbc.createSchemaIfMissing();
        sameTable().createSchemaIfMissing();
        assertThat(jdbc.pending(0, 10)).containsExactly(new JournalEntry(id, write("kept")));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void instancesCreatingTheSchemaAtOnceAllSucceed() throws Exception {
        String prefix = newPrefix();
        int instances = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(instances);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                String key = "x" + i;
                results.add(threads.submit(() -> {
                    JdbcFailedWriteJournal j = JdbcFailedWriteJournal.builder(pool())
                            .tablePrefix(prefix)
                            .build();
                    start.await();
                    j.createSchemaIfMissing();
                    return j.append(write(key));
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get(50, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        JdbcFailedWriteJournal j =
                JdbcFailedWriteJournal.builder(pool()).tablePrefix(prefix).build();
        assertThat(j.pendingCount()).isEqualTo(instances);
    }

    @Test
    void entriesOutliveTheJournalInstance() throws Exception {
        List<Long> ids = appendAll("a", "b");
        JdbcFailedWriteJournal other = sameTable();
        assertThat(other.pending(0, 10)).extracting(JournalEntry::id).containsExactlyElementsOf(ids);
        other.resolve(List.of(ids.get(0)));
        assertThat(jdbc.pending(0, 10)).extracting(JournalEntry::id).containsExactly(ids.get(1));
    }

    @Test
    void tablePrefixesKeepJournalsApart() throws Exception {
        jdbc.append(write("mine"));
        JdbcFailedWriteJournal other =
                JdbcFailedWriteJournal.builder(pool()).tablePrefix(newPrefix()).build();
        other.createSchemaIfMissing();
        other.append(write("theirs"));
        assertThat(jdbc.pending(0, 10)).extracting(e -> e.write().entityKey()).containsExactly("mine");
        assertThat(other.pending(0, 10)).extracting(e -> e.write().entityKey()).containsExactly("theirs");
    }

    @Test
    void aResolvedRowKeepsItsFirstResolutionTime() throws Exception {
        long id = jdbc.append(write("a"));
        jdbc.resolve(List.of(id));
        String first = resolvedAt(id);
        assertThat(first).isNotNull();
        jdbc.resolve(List.of(id));
        assertThat(resolvedAt(id)).isEqualTo(first);
    }

    private String resolvedAt(long id) throws SQLException {
        try (Connection c = pool().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT resolved_at FROM " + table() + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static void commitIfNeeded(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    private String table() {
        return new JournalSql(jdbc.dialect(), jdbc.tablePrefix()).table;
    }

    @Test
    void pendingReadsThePendingIndex() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(jdbc.append(write("k" + i)));
        }
        jdbc.resolve(ids.subList(0, 297));
        String index = jdbc.tablePrefix() + "failed_writes_pending";
        StringBuilder plan = new StringBuilder();
        try (Connection c = pool().getConnection()) {
            try (Statement s = c.createStatement()) {
                beforeExplain(s, table());
            }
            try (PreparedStatement ps =
                    c.prepareStatement("EXPLAIN " + new JournalSql(jdbc.dialect(), jdbc.tablePrefix()).pending)) {
                ps.setLong(1, 0);
                ps.setInt(2, 100);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                            plan.append(rs.getString(col)).append(' ');
                        }
                        plan.append('\n');
                    }
                }
            } finally {
                try (Statement s = c.createStatement()) {
                    afterExplain(s);
                }
                commitIfNeeded(c);
            }
        }
        assertThat(plan.toString()).contains(index);
        assertThat(jdbc.pending(0, 100)).hasSize(3);
    }

    @Test
    void aRowWithAnUnknownReasonFailsNamingTheRowAndTheValue() throws Exception {
        long id = jdbc.append(write("a"));
        try (Connection c = pool().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE " + table() + " SET reason = ? WHERE id = ?")) {
            ps.setString(1, "FROM_THE_FUTURE");
            ps.setLong(2, id);
            ps.executeUpdate();
            commitIfNeeded(c);
        }
        assertThatThrownBy(() -> jdbc.pending(0, 10))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("row " + id)
                .hasMessageContaining("FROM_THE_FUTURE");
        assertThat(jdbc.pendingCount()).isEqualTo(1);
    }

    @Test
    void failingCallsReturnTheirConnection() throws Exception {
        JdbcFailedWriteJournal noTable = JdbcFailedWriteJournal.builder(pool())
                .tablePrefix(newPrefix())
                .dialect(jdbc.dialect())
                .build();
        assertThatThrownBy(() -> noTable.append(write("a"))).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> noTable.pending(0, 1)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> noTable.resolve(List.of(1L))).isInstanceOf(SQLException.class);
        assertThatThrownBy(noTable::pendingCount).isInstanceOf(SQLException.class);
        // checked by everyConnectionCameBackAsLent, and the pool still serves the journal
        assertThat(jdbc.append(write("b"))).isPositive();
    }

    @Test
    void callsWithNothingToDoBorrowNoConnection() throws Exception {
        int before = pool().borrows();
        jdbc.resolve(List.of());
        jdbc.resolve(List.of(0L, -3L));
        assertThatThrownBy(() -> jdbc.pending(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> jdbc.append(write("k".repeat(600)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(pool().borrows()).isEqualTo(before);
    }
}
