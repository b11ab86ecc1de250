package dev.cutover.dualwrite.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.dualwrite.OpenGapsException;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.journal.Gap;
import dev.cutover.journal.JdbcFailedWriteJournal;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.ChildJvm;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A crash is a gap: a service killed with {@code kill -9} under traffic leaves its run record in
 * the journal; once the record's lease passes the run reads as an open gap, a move past SHADOW is
 * refused, and a full reconciliation and repair close it.
 */
class CrashGapTest {

    private static boolean holds(java.util.concurrent.Callable<Boolean> check) {
        try {
            return check.call();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aServiceKilledUnderTrafficLeavesAGapThatBlocksTheMoveUntilRepaired() throws Exception {
        TestDatabase db = EmbeddedPostgresServer.get().createDatabase("crash_gap");
        String prefix = "crash_";
        ChildJvm child = ChildJvm.start(CrashingService.class, db.jdbcUrl(), db.user(), prefix);
        JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(db.dataSource())
                .tablePrefix(prefix)
                .build();
        try {
            assertThat(child.awaitLine("RUNNING", Duration.ofSeconds(120)))
                    .as("the service started and wrote: %s", child.output())
                    .isTrue();
            Eventually.within(
                    Duration.ofSeconds(30),
                    "the service's run record and journaled keys",
                    () -> holds(() -> journal.gaps().stream().anyMatch(g -> g.kind() == Gap.Kind.RUN)
                            && journal.pendingCount() > 0));
            // a live service's run record is no open gap
            assertThat(journal.openGaps(Instant.now())).isEmpty();

            assertThat(child.kill9()).as("the service died of kill -9").isEqualTo(137);
        } finally {
            child.close();
        }

        // the lease (3 heartbeats of 100 ms) runs out: the whole run is a gap
        Eventually.within(
                Duration.ofSeconds(10),
                "the dead run reads as a gap",
                () -> holds(() -> !journal.openGaps(Instant.now()).isEmpty()));
        List<Gap> open = journal.openGaps(Instant.now());
        assertThat(open).singleElement().satisfies(g -> {
            assertThat(g.kind()).isEqualTo(Gap.Kind.RUN);
            assertThat(g.repository()).isEqualTo("OrderRepository");
        });

        InMemoryFlagStore flags = new InMemoryFlagStore();
        AuditInfo audit = new AuditInfo("ops", "crash drill");
        StageFlag.moveTo(flags, "orders.migration", Stage.DUAL_WRITE, audit);
        StageFlag.advance(flags, "orders.migration", audit, journal); // to SHADOW: allowed
        assertThatThrownBy(() -> StageFlag.advance(flags, "orders.migration", audit, journal))
                .isInstanceOf(OpenGapsException.class)
                .hasMessageContaining("may not move to LIVE")
                .hasMessageContaining("RUN of OrderRepository");
        assertThat(StageFlag.current(flags, "orders.migration")).containsExactly(Stage.SHADOW);
        // moving back is never refused
        StageFlag.rollBack(flags, "orders.migration", audit);
        StageFlag.advance(flags, "orders.migration", audit, journal);

        // a full reconciliation that starts now, repaired without failures, closes the gap and
        // resolves the entries the service had journaled before it died
        Instant reconciliationStarted = Instant.now();
        assertThat(journal.closeGaps(reconciliationStarted)).isEqualTo(1);
        assertThatThrownBy(() -> StageFlag.advance(flags, "orders.migration", audit, journal))
                .isInstanceOf(dev.cutover.dualwrite.PendingRepairsException.class);
        journal.resolve(
                journal.pending(0, Integer.MAX_VALUE).stream().map(e -> e.id()).toList());
        StageFlag.advance(flags, "orders.migration", audit, journal);
        assertThat(StageFlag.current(flags, "orders.migration")).containsExactly(Stage.LIVE);
    }
}
