package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.RepairResult;
import dev.cutover.testkit.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One example per rule of {@link JournalRepair}, on the in-memory order stores. */
class JournalRepairTest {

    private static Order order(String id, String status) {
        return new Order(id, "c-" + id, status, 100);
    }

    private static FailedWrite missed(String repository, String key, FailedWrite.Target target) {
        return new FailedWrite(repository, "save", key, target, FailedWrite.Reason.FAILED, "test", Instant.now());
    }

    private static RepairResult repair(Harness h) throws Exception {
        return JournalRepair.of(h.orders, h.journal).read("find").write("save").run();
    }

    @Test
    void aMissedShadowWriteIsCopiedFromOldToNewOnTheKeysLaneAndResolved() throws Exception {
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            h.faults.put("save o-1", Fault.THROW);
            h.orders.save(order("o-1", "new"));
            h.idle();
            assertThat(h.journaled()).extracting(e -> e.write().target()).containsExactly(FailedWrite.Target.NEW);
            h.faults.clear();
            int findsBefore = h.oldStore.finds.size();

            RepairResult result = repair(h);

            assertThat(result.upserted()).isEqualTo(1);
            assertThat(result.journalResolved()).isEqualTo(1);
            assertThat(result.keys()).isEqualTo(1);
            assertThat(h.newData.peek("o-1")).contains(order("o-1", "new"));
            assertThat(h.journaled()).isEmpty();
            // read and write ran on the proxy's shadow threads (the key's lane), not on the caller's
            assertThat(h.oldStore.finds.stream().skip(findsBefore))
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(f.thread()).startsWith(Harness.THREAD_PREFIX));
            assertThat(h.newData.applied)
                    .last()
                    .satisfies(a -> assertThat(a.thread()).startsWith(Harness.THREAD_PREFIX));
        }
    }

    @Test
    void inLiveTheOldStoreIsRepairedFromTheNewOne() throws Exception {
        try (Harness h = Harness.at(Stage.LIVE)) {
            h.newData.put(order("o-2", "live"));
            h.journal.append(missed("OrderRepository", "o-2", FailedWrite.Target.OLD));

            RepairResult result = repair(h);

            assertThat(result.upserted()).isEqualTo(1);
            assertThat(h.oldStore.peek("o-2")).contains(order("o-2", "live"));
            assertThat(h.journaled()).isEmpty();
        }
    }

    @Test
    void anAbsentAuthorityRowIsSkippedWithoutADeleteAndDeletedWithOne() throws Exception {
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            h.newData.put(order("o-3", "stale"));
            h.journal.append(missed("OrderRepository", "o-3", FailedWrite.Target.NEW));

            RepairResult skipped = repair(h);
            assertThat(skipped.skipped()).isEqualTo(1);
            assertThat(skipped.journalResolved()).isZero();
            assertThat(h.newData.peek("o-3")).isPresent();
            assertThat(h.journaled()).hasSize(1);

            RepairResult deleted = JournalRepair.of(h.orders, h.journal)
                    .read("find")
                    .write("save")
                    .delete("delete")
                    .run();
            assertThat(deleted.deleted()).isEqualTo(1);
            assertThat(deleted.journalResolved()).isEqualTo(1);
            assertThat(h.newData.peek("o-3")).isEmpty();
            assertThat(h.journaled()).isEmpty();
        }
    }

    @Test
    void entriesTargetingTheAuthorityOrInASingleStoreStageStayPending() throws Exception {
        try (Harness h = Harness.at(Stage.LIVE)) {
            h.oldStore.put(order("o-4", "old"));
            h.journal.append(missed("OrderRepository", "o-4", FailedWrite.Target.NEW));
            RepairResult live = repair(h);
            assertThat(live.skipped()).isEqualTo(1);
            assertThat(live.repaired()).isZero();
            assertThat(h.newData.peek("o-4")).isEmpty();

            h.stage(Stage.OLD_ONLY);
            RepairResult oldOnly = repair(h);
            assertThat(oldOnly.skipped()).isEqualTo(1);
            assertThat(h.newData.peek("o-4")).isEmpty();
            assertThat(h.journaled()).hasSize(1);

            h.stage(Stage.DUAL_WRITE);
            assertThat(repair(h).upserted()).isEqualTo(1);
            assertThat(h.journaled()).isEmpty();
        }
    }

    @Test
    void keylessEntriesAndOtherRepositoriesStayPending() throws Exception {
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            h.oldStore.put(order("o-5", "x"));
            h.journal.append(missed("OrderRepository", null, FailedWrite.Target.NEW));
            h.journal.append(missed("CustomerRepository", "o-5", FailedWrite.Target.NEW));

            RepairResult result = repair(h);

            assertThat(result.skipped()).isEqualTo(2);
            assertThat(result.repaired()).isZero();
            assertThat(h.newData.peek("o-5")).isEmpty();
            assertThat(h.journaled()).hasSize(2);
        }
    }

    @Test
    void aKeyWhoseRepairFailsStaysPendingAndIsNamed() throws Exception {
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            h.faults.put("save o-6", Fault.THROW);
            h.orders.save(order("o-6", "x"));
            h.idle();

            RepairResult result = repair(h);

            assertThat(result.failed()).isEqualTo(1);
            assertThat(result.failedKeys()).containsExactly("o-6");
            assertThat(result.journalResolved()).isZero();
            assertThat(h.journaled()).extracting(e -> e.write().entityKey()).containsExactly("o-6");
        }
    }

    @Test
    void aCallersWriteRacingTheRepairLandsLastAndTheEntryIsNotResolvedMeanwhile() throws Exception {
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            h.oldStore.put(order("o-7", "v1"));
            h.journal.append(missed("OrderRepository", "o-7", FailedWrite.Target.NEW));
            h.newData.saveNanos = TimeUnit.MILLISECONDS.toNanos(300);
            int findsBefore = h.oldStore.finds.size();

            CompletableFuture<RepairResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return repair(h);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // once the repair has read v1 (and is writing it slowly), a caller writes v2
            Eventually.within(
                    Duration.ofSeconds(5), "repair read the authority", () -> h.oldStore.finds.size() > findsBefore);
            h.orders.save(order("o-7", "v2"));
            RepairResult result = running.get(10, TimeUnit.SECONDS);
            h.idle();

            // the repair saw the authority change: not resolved, and v2's shadow write landed after it
            assertThat(result.keptNewer()).isEqualTo(1);
            assertThat(result.keptNewerKeys()).containsExactly("o-7");
            assertThat(result.journalResolved()).isZero();
            assertThat(h.newData.peek("o-7")).contains(order("o-7", "v2"));
            assertThat(h.journaled()).hasSize(1);

            h.newData.saveNanos = 0;
            assertThat(repair(h).upserted()).isEqualTo(1);
            assertThat(h.journaled()).isEmpty();
        }
    }

    @Test
    void aClosedProxyIsRefusedByName() throws Exception {
        Harness h = Harness.at(Stage.DUAL_WRITE);
        h.journal.append(missed("OrderRepository", "o-8", FailedWrite.Target.NEW));
        h.close();
        assertThatThrownBy(() -> repair(h))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DualWrite[OrderRepository, flag " + Harness.FLAG + "] is closed");
        assertThat(h.journaled()).hasSize(1);
    }

    @Test
    void misconfigurationsAreNamed() {
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            assertThatThrownBy(() -> JournalRepair.of(h.orders, h.journal).read("nope"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'nope'");
            assertThatThrownBy(() -> JournalRepair.of(h.orders, h.journal).read("list"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has none");
            assertThatThrownBy(() -> JournalRepair.of(h.orders, h.journal).write("count"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'count'");
            assertThatThrownBy(() -> JournalRepair.of(h.orders, h.journal)
                            .read("find")
                            .write("delete")
                            .run())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("takes dev.cutover.dualwrite.Order");
            assertThatThrownBy(() ->
                            JournalRepair.of(h.orders, h.journal).read("find").run())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("write(...)");
            assertThatThrownBy(() -> JournalRepair.of(h.oldStore, h.journal))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a DualWrite proxy");
        }
    }

    @Test
    void journalPagesAreWalkedAndDuplicatesOfAKeyResolvedTogether() throws Exception {
        try (Harness h = Harness.at(Stage.SHADOW)) {
            for (int i = 0; i < 450; i++) {
                h.oldStore.put(order("p-" + i, "s" + i));
                h.journal.append(missed("OrderRepository", "p-" + i, FailedWrite.Target.NEW));
            }
            RepairResult result = repair(h);
            assertThat(result.upserted()).isEqualTo(450);
            assertThat(h.journaled()).isEmpty();
            for (int i = 0; i < 450; i++) {
                assertThat(h.newData.peek("p-" + i)).contains(order("p-" + i, "s" + i));
            }
            List<JournalEntry> left = h.journal.pending();
            assertThat(left).isEmpty();
        }
    }
}
