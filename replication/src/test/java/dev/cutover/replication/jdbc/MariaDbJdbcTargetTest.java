package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.EmbeddedMariaDb;
import dev.cutover.testsupport.FreshTables;
import dev.cutover.testsupport.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;
import org.mariadb.jdbc.MariaDbDataSource;

/** {@link JdbcTargetChecks} on embedded MariaDB, plus a driver that hides batch update counts. */
class MariaDbJdbcTargetTest extends JdbcTargetChecks {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.MARIADB, "target_checks");

    @Override
    FreshTables tables() {
        return TABLES;
    }

    @Example
    void theDialectIsDetected() throws Exception {
        assertThat(fresh().dialect()).isEqualTo(SqlDialect.MYSQL);
    }

    /** 1,024 three-byte characters are 3,072 UTF-8 bytes: InnoDB's index limit, which the key column fits. */
    @Example
    void theLongestKeysInUtf8FitTheKeyColumn() throws Exception {
        JdbcVersionedTarget target = fresh();
        String key = "€".repeat(Change.MAX_KEY_LENGTH);
        String supplementary = "😀".repeat(Change.MAX_KEY_LENGTH / 2); // two UTF-16 chars, four bytes each
        assertThat(target.apply(List.of(upsert(key, 1), upsert(supplementary, 1))))
                .containsOnly(ApplyOutcome.APPLIED);
        assertThat(target.read(key)).contains(upsert(key, 1));
        assertThat(target.read(supplementary)).contains(upsert(supplementary, 1));
    }

    /** With useBulkStmts=true the driver answers batches with SUCCESS_NO_INFO; outcomes stay exact. */
    @Example
    void outcomesStayExactWhenTheDriverHidesBatchCounts() throws Exception {
        TestDatabase db = EmbeddedMariaDb.get().createDatabase("hidden_counts");
        HikariConfig config = new HikariConfig();
        config.setDataSource(new MariaDbDataSource(db.jdbcUrl() + "?user=root&useBulkStmts=true"));
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcVersionedTarget target = JdbcVersionedTarget.builder(pool)
                    .table("bulk")
                    .batchSize(50)
                    .build();
            target.createTableIfMissing();
            List<Change> first = new ArrayList<>();
            List<Change> second = new ArrayList<>();
            List<ApplyOutcome> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                first.add(upsert("k" + i, 5));
                long v = 4 + i % 3; // 4: superseded, 5: duplicate, 6: applied
                second.add(i % 7 == 0 ? Change.delete("k" + i, v) : upsert("k" + i, v));
                expected.add(v == 4 ? ApplyOutcome.SUPERSEDED : v == 5 ? ApplyOutcome.DUPLICATE : ApplyOutcome.APPLIED);
            }
            assertThat(target.apply(first)).containsOnly(ApplyOutcome.APPLIED);
            assertThat(target.apply(second)).isEqualTo(expected);
            assertThat(target.read("k2")).contains(upsert("k2", 6));
            assertThat(target.read("k14")).contains(Change.delete("k14", 6));
            assertThat(target.purgeTombstones(Instant.now().plusSeconds(60))).isEqualTo(1);
        }
    }
}
