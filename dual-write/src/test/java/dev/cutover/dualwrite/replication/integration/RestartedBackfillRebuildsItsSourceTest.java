package dev.cutover.dualwrite.replication.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.dualwrite.replication.Backfill;
import dev.cutover.dualwrite.replication.BackfillException;
import dev.cutover.dualwrite.replication.BackfillResult;
import dev.cutover.dualwrite.replication.CheckpointStore;
import dev.cutover.dualwrite.replication.JdbcCheckpointStore;
import dev.cutover.dualwrite.replication.JdbcSource;
import dev.cutover.dualwrite.replication.JdbcVersionedTarget;
import dev.cutover.dualwrite.replication.integration.RealStores.Store;
import org.junit.jupiter.api.Test;

/**
 * A backfill process killed mid-copy is restarted as a real process would be: it builds its
 * {@link JdbcSource} again while live writes have moved the data. Built with the boundaries the
 * first run kept, as documented, it resumes from the checkpoints and copies every row.
 */
class RestartedBackfillRebuildsItsSourceTest {

  @Test
  void aRestartedProcessResumesAfterTheTableChanged() throws Exception {
    OldJdbcTable old = OldJdbcTable.create(Store.POSTGRES);
    for (int i = 0; i < 40; i++) {
      old.write(new Write("order-" + (100 + i), i + 1, false, "n", i), false);
    }
    JdbcVersionedTarget target = RealStores.freshTarget(Store.POSTGRES, "restart", b -> b);
    CheckpointStore checkpoints = JdbcCheckpointStore.builder(RealStores.pool(Store.POSTGRES),
        RealStores.uniqueName("restart")).build();
    DyingProcess first = new DyingProcess(6, true);
    JdbcSource before = old.source(4);
    try {
      Backfill.from(first.source(before, () -> { })).to(first.target(target)).name("restart").batchSize(3)
          .checkpoints(first.checkpoints(checkpoints)).owner("pod-1").build().run();
    } catch (BackfillException e) {
      assertThat(first.killed()).isTrue();
    }
    assertThat(first.killed()).isTrue();
    // live writes go on while the process is down: new orders, all below the old keys
    for (int i = 0; i < 40; i++) {
      old.write(new Write("order-0" + (10 + i), 100 + i, false, "n", i), false);
    }
    assertThat(old.source(4).boundaries()).as("live writes moved the boundaries").isNotEqualTo(before.boundaries());
    JdbcSource rebuilt = old.source(before.boundaries()); // the restarted process, as documented
    BackfillResult resumed = Backfill.from(rebuilt).to(target).name("restart").batchSize(3)
        .checkpoints(checkpoints).owner("pod-1").build().run();
    assertThat(resumed.status()).isEqualTo(BackfillResult.Status.COMPLETED);
    // every row that existed when the backfill started is copied with its version; rows written
    // while it was down into ranges already done are the observer's to mirror, not the backfill's
    for (int i = 0; i < 40; i++) {
      String key = "order-" + (100 + i);
      long version = i + 1;
      assertThat(target.read(key)).as(key).hasValueSatisfying(c -> assertThat(c.version()).isEqualTo(version));
    }
  }
}
