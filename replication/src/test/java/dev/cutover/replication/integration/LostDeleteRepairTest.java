package dev.cutover.replication.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.RepairResult;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.Repair;
import dev.cutover.replication.integration.RealStores.Store;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one loss the backfill cannot make up for, step by step on each real store: a row created
 * while the mirror's gate was off, whose create event was still in flight when the gate opened,
 * and whose delete event was lost. The backfill does not see the row (it is gone from the old
 * table), the late create lands in the new store, reconciliation reports the key as extra in new,
 * and the repair deletes it with a tombstone above the stored version; then nothing is left.
 */
class LostDeleteRepairTest {

    @ParameterizedTest
    @EnumSource(Store.class)
    void aLostDeleteIsReportedAsExtraAndRepaired(Store store) throws Exception {
        OldJdbcTable old = OldJdbcTable.create(store);
        JdbcVersionedTarget target = RealStores.freshTarget(store, "new_orders", b -> b.segments(2));
        Write created = new Write(Write.key(3), 1, false, "n1", 10);
        Write kept = new Write(Write.key(4), 2, false, "n2", 20);
        Write deleted = new Write(Write.key(3), 3, true, "", 0);
        AtomicBoolean gate = new AtomicBoolean();
        try (Mirror<Write> mirror =
                Mirror.to(target).mapping(Write::changes).gate(gate::get).build()) {
            old.write(created, false);
            old.write(kept, false);
            mirror.observe(kept); // lost: the gate is off
            old.write(deleted, true);
            mirror.observe(deleted); // lost too
            gate.set(true);
            mirror.observe(created); // still in flight when the gate opened: lands late
            BackfillResult copied = Backfill.from(old.source(2))
                    .to(target)
                    .name("lost_delete")
                    .checkpoints(
                            JdbcCheckpointStore.builder(RealStores.pool(store), RealStores.uniqueName("lost_delete"))
                                    .build())
                    .build()
                    .run();
            assertThat(copied.status()).isEqualTo(BackfillResult.Status.COMPLETED);
            assertThat(copied.counts().read())
                    .as("only the kept row is left to copy")
                    .isEqualTo(1);
            assertThat(mirror.awaitQuiet(Duration.ofSeconds(30))).isTrue();
            assertThat(mirror.counts().skipped()).isEqualTo(2);
        }
        assertThat(target.read(created.key())).contains(created.change());
        assertThat(target.read(kept.key())).contains(kept.change());

        ReconciliationReport report = Reconciler.between(old.source(2), target)
                .recheck(old::read)
                .recheckAfter(Duration.ZERO)
                .run();
        assertThat(report.extraInNew())
                .extracting(ReconciliationReport.Discrepancy::key)
                .containsExactly(created.key());
        assertThat(report.counts().missingInNew() + report.counts().different()).isZero();

        RepairResult repaired = Repair.from(report)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(target);
        assertThat(repaired.deleted()).isEqualTo(1);
        assertThat(repaired.upserted() + repaired.failed() + repaired.keptNewer())
                .isZero();
        assertThat(target.read(created.key())).contains(Change.delete(created.key(), created.version() + 1));
        ReconciliationReport after = Reconciler.between(old.source(2), target)
                .recheckAfter(Duration.ZERO)
                .run();
        assertThat(after.clean()).as("%s", after).isTrue();
        assertThat(after.counts().oldRows()).isEqualTo(after.counts().newRows()).isEqualTo(1);
        assertThat(target.apply(List.of(created.change())))
                .as("the late create once more")
                .containsExactly(ApplyOutcome.SUPERSEDED);
    }
}
