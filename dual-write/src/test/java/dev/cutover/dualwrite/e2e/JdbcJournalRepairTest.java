package dev.cutover.dualwrite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.JournalRepair;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.RepairResult;
import dev.cutover.testkit.TestFlags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A journal repair of a plain repository with {@code long} keys, one store a real H2 table: missed
 * shadow writes and deletes to the in-memory new store are repaired from the table, and in LIVE
 * the table is repaired from the new store.
 */
class JdbcJournalRepairTest {
    private static final String FLAG = "accounts.migration";

    /** The repository being migrated: long keys, null for an absent account, a delete by boxed key. */
    public interface AccountRepository {
        @Nullable
        Account findById(long id);

        Account save(Account account);

        void deleteById(Long id);
    }

    /** An account. */
    public record Account(long id, String owner, long balanceCents) {}

    /** The old store: one H2 table. */
    static final class JdbcAccounts implements AccountRepository {
        private final DataSource ds;

        JdbcAccounts(DataSource ds) {
            this.ds = ds;
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                s.execute(
                        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(100) NOT NULL, balance BIGINT NOT NULL)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public @Nullable Account findById(long id) {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT id, owner, balance FROM accounts WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Account(rs.getLong(1), rs.getString(2), rs.getLong(3)) : null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Account save(Account a) {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("MERGE INTO accounts (id, owner, balance) KEY (id) VALUES (?, ?, ?)")) {
                ps.setLong(1, a.id());
                ps.setString(2, a.owner());
                ps.setLong(3, a.balanceCents());
                ps.executeUpdate();
                return a;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void deleteById(Long id) {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The new store: a map that fails every call while {@code failing} is set. */
    static final class MapAccounts implements AccountRepository {
        final Map<Long, Account> rows = new ConcurrentHashMap<>();
        final AtomicBoolean failing = new AtomicBoolean();

        private void check() {
            if (failing.get()) {
                throw new IllegalStateException("new store down");
            }
        }

        @Override
        public @Nullable Account findById(long id) {
            check();
            return rows.get(id);
        }

        @Override
        public Account save(Account account) {
            check();
            rows.put(account.id(), account);
            return account;
        }

        @Override
        public void deleteById(Long id) {
            check();
            rows.remove(id);
        }
    }

    private TestFlags flags;
    private JdbcAccounts oldStore;
    private final MapAccounts newStore = new MapAccounts();
    private final InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
    private AccountRepository accounts;
    private DualWriteControl control;

    @BeforeEach
    void start() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:journal_repair_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        oldStore = new JdbcAccounts(h2);
        flags = new TestFlags();
        flags.set(FLAG, Stage.DUAL_WRITE.name());
        accounts = DualWrite.of(AccountRepository.class)
                .oldStore(oldStore)
                .newStore(newStore)
                .stageFlag(flags.client(), FLAG)
                .entityKey("save", args -> String.valueOf(((Account) args[0]).id()))
                .journal(journal)
                .build();
        control = DualWrite.control(accounts);
    }

    @AfterEach
    void stop() {
        control.close(Duration.ofSeconds(5));
        flags.close();
    }

    private RepairResult repair() throws Exception {
        return JournalRepair.of(accounts, journal)
                .read("findById")
                .write("save")
                .delete("deleteById")
                .run();
    }

    @Test
    void missedWritesAndDeletesAreRepairedFromTheTable() throws Exception {
        for (long id = 1; id <= 5; id++) {
            accounts.save(new Account(id, "owner-" + id, 100 * id));
        }
        control.awaitIdle(Duration.ofSeconds(10));
        newStore.failing.set(true);
        accounts.save(new Account(1, "owner-1", 111));
        accounts.save(new Account(2, "someone else", 222));
        accounts.deleteById(3L);
        accounts.save(new Account(6, "owner-6", 600));
        assertThat(control.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(journal.pending()).hasSize(4);

        RepairResult down = repair();
        assertThat(down.failed()).isEqualTo(4);
        assertThat(journal.pending()).hasSize(4);

        newStore.failing.set(false);
        RepairResult result = repair();

        assertThat(result.upserted()).isEqualTo(3);
        assertThat(result.deleted()).isEqualTo(1);
        assertThat(result.journalResolved()).isEqualTo(4);
        assertThat(journal.pending()).isEmpty();
        for (long id = 1; id <= 6; id++) {
            assertThat(newStore.rows.get(id)).as("account %s", id).isEqualTo(oldStore.findById(id));
        }
    }

    @Test
    void inLiveTheTableIsRepairedFromTheNewStore() throws Exception {
        flags.set(FLAG, Stage.LIVE.name());
        oldStore.save(new Account(7, "old owner", 1));
        newStore.rows.put(7L, new Account(7, "new owner", 2));
        journal.append(new FailedWrite(
                "AccountRepository",
                "save",
                "7",
                FailedWrite.Target.OLD,
                FailedWrite.Reason.TIMED_OUT,
                "test",
                Instant.now()));
        journal.append(new FailedWrite(
                "AccountRepository",
                "save",
                "not-a-number",
                FailedWrite.Target.OLD,
                FailedWrite.Reason.TIMED_OUT,
                "test",
                Instant.now()));

        RepairResult result = repair();

        assertThat(result.upserted()).isEqualTo(1);
        assertThat(result.failedKeys()).containsExactly("not-a-number");
        assertThat(oldStore.findById(7)).isEqualTo(new Account(7, "new owner", 2));
        assertThat(journal.pending()).extracting(e -> e.write().entityKey()).containsExactly("not-a-number");
    }
}
