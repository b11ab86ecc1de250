package dev.cutover.replication.reconcile;

import static dev.cutover.replication.reconcile.Rows.live;
import static dev.cutover.replication.reconcile.Rows.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.Gap;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.RepairResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.Repair;
import dev.cutover.replication.spi.KeyReader;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Repair on hand-picked cases: the journal first, both directions, deletes, collisions, failures. */
class RepairTest {
    private final InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();

    private static ReconciliationReport reconcile(VersionedTarget old, VersionedTarget neu) throws Exception {
        return Reconciler.between(old, neu)
                .recheck(old::read)
                .recheckAfter(Duration.ZERO)
                .run();
    }

    private long miss(String key, FailedWrite.Target target, Instant at) {
        return journal.append(
                new FailedWrite("OrderRepository", "save", key, target, FailedWrite.Reason.TIMED_OUT, "no answer", at));
    }

    @Test
    void theJournalsKeysAreRepairedFirstAndTheirEntriesResolved() throws Exception {
        InMemoryVersionedTarget old = store(live("a", 3, "x"), live("b", 4, "x"));
        InMemoryVersionedTarget neu = store(live("gone", 2, "x"));
        miss("a", FailedWrite.Target.NEW, Instant.now());
        miss("a", FailedWrite.Target.NEW, Instant.now());
        miss("gone", FailedWrite.Target.NEW, Instant.now());
        long otherSide = miss("x", FailedWrite.Target.OLD, Instant.now());
        RepairResult fromJournal = Repair.fromJournal(journal)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(neu);
        assertThat(fromJournal.keys()).isEqualTo(2);
        assertThat(fromJournal.upserted()).isEqualTo(1);
        assertThat(fromJournal.deleted()).isEqualTo(1);
        assertThat(fromJournal.journalResolved())
                .as("the two misses of a coalesced into one entry")
                .isEqualTo(2);
        assertThat(neu.read("a")).contains(live("a", 3, "x"));
        assertThat(neu.read("gone")).contains(Change.delete("gone", 3));
        assertThat(journal.pending()).extracting(JournalEntry::id).containsExactly(otherSide);
        assertThat(reconcile(old, neu).missingInNew()).extracting(d -> d.key()).containsExactly("b");
    }

    @Test
    void aRepairWithAReportClosesTheGapsThatEndedBeforeTheReconciliation() throws Exception {
        InMemoryVersionedTarget old = store(live("a", 1, "x"), live("b", 2, "y"));
        InMemoryVersionedTarget neu = new InMemoryVersionedTarget();
        Instant t = Instant.now().minusSeconds(60);
        journal.putGap(
                new Gap("overflow", "OrderRepository", Gap.Kind.OVERFLOW, t, t.plusSeconds(1), "past the bound"));
        journal.putGap(new Gap(
                "live-run", "OrderRepository", Gap.Kind.RUN, t, Instant.now().plusSeconds(600), "alive"));
        // from the journal alone: no reconciliation saw the gap's writes
        Repair.fromJournal(journal)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(neu);
        assertThat(journal.openGaps(Instant.now())).extracting(Gap::id).containsExactly("overflow");
        // a repair that fails a key leaves the gap open
        ReconciliationReport report = reconcile(old, neu);
        RepairResult failing = Repair.from(report)
                .journal(journal)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(key -> {
                    throw new java.io.IOException("old store down");
                })
                .apply(neu);
        assertThat(failing.failed()).isPositive();
        assertThat(journal.openGaps(Instant.now())).extracting(Gap::id).containsExactly("overflow");
        // a full reconciliation started after the gap, repaired without failures, closes it; a live run stays
        RepairResult repaired = Repair.from(reconcile(old, neu))
                .journal(journal)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(neu);
        assertThat(repaired.failed()).isZero();
        assertThat(journal.openGaps(Instant.now())).isEmpty();
        assertThat(journal.gaps()).extracting(Gap::id).containsExactly("live-run");
    }

    @Test
    void aKeylessEntryIsResolvedOnlyByAReconciliationThatStartedAfterIt() throws Exception {
        InMemoryVersionedTarget old = store(live("a", 1, "x"));
        InMemoryVersionedTarget neu = new InMemoryVersionedTarget();
        journal.append(new FailedWrite(
                "OrderRepository",
                "saveAll",
                null,
                FailedWrite.Target.NEW,
                FailedWrite.Reason.FAILED,
                "java.io.IOException",
                Instant.now().minusSeconds(60)));
        RepairResult journalOnly = Repair.fromJournal(journal)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(neu);
        assertThat(journalOnly.skipped()).isEqualTo(1);
        assertThat(journal.pendingCount()).isEqualTo(1);
        RepairResult withReport = Repair.from(reconcile(old, neu))
                .journal(journal)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(neu);
        assertThat(withReport.upserted()).isEqualTo(1);
        assertThat(withReport.journalResolved()).isEqualTo(1);
        assertThat(journal.pendingCount()).isZero();
    }

    @Test
    void repairsTheOldStoreFromTheNewOneInTheOtherDirection() throws Exception {
        InMemoryVersionedTarget neu = store(live("a", 5, "new"), live("e", 6, "x"), Change.delete("t", 9));
        InMemoryVersionedTarget old = store(live("a", 3, "old"), live("m", 4, "x"), live("t", 2, "x"));
        ReconciliationReport report = reconcile(old, neu);
        assertThat(report.counts().different()
                        + report.counts().extraInNew()
                        + report.counts().missingInNew())
                .isEqualTo(4);
        RepairResult result = Repair.from(report)
                .direction(Repair.Direction.NEW_TO_OLD)
                .authority(neu::read)
                .apply(old);
        assertThat(result.upserted()).isEqualTo(2);
        assertThat(result.deleted()).isEqualTo(2);
        assertThat(old.read("m")).contains(Change.delete("m", 5));
        assertThat(old.read("t")).contains(Change.delete("t", 9));
        assertThat(reconcile(old, neu).clean()).isTrue();
    }

    @Test
    void aWriteLandingBetweenTheReadsOfADeleteIsNeverDeleted() throws Exception {
        InMemoryVersionedTarget old = new InMemoryVersionedTarget();
        InMemoryVersionedTarget neu = store(live("k", 3, "stale"));
        ReconciliationReport report = reconcile(old, neu);
        AtomicBoolean first = new AtomicBoolean(true);
        Change live = live("k", 10, "live");
        // right after the repair's first read of k, a live write lands on old, then on new
        KeyReader racing = key -> {
            Optional<Change> now = old.read(key);
            if (first.getAndSet(false)) {
                old.apply(List.of(live));
                neu.apply(List.of(live));
            }
            return now;
        };
        RepairResult result = Repair.from(report)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(racing)
                .apply(neu);
        assertThat(neu.read("k")).contains(live);
        assertThat(result.deleted()).isZero();
        assertThat(result.alreadyCurrent()).isEqualTo(1);
    }

    @Test
    void withDeletesOffKeysTheAuthorityLacksAreLeftAlone() throws Exception {
        InMemoryVersionedTarget old = store(live("a", 1, "x"));
        InMemoryVersionedTarget neu = store(live("extra", 1, "x"));
        RepairResult result = Repair.from(reconcile(old, neu))
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .repairDeletes(false)
                .apply(neu);
        assertThat(result.skipped()).isEqualTo(1);
        assertThat(result.upserted()).isEqualTo(1);
        assertThat(neu.read("extra"))
                .isPresent()
                .get()
                .extracting(Change::isDelete)
                .isEqualTo(false);
    }

    @Test
    void collisionsAreLeftToAPerson() throws Exception {
        InMemoryVersionedTarget old = store(live("k ", 1, "x"), live("k", 2, "y"));
        InMemoryVersionedTarget neu = new InMemoryVersionedTarget();
        ReconciliationReport report = Reconciler.between(old, neu)
                .transform(r -> Optional.of(r.withKey(r.key().strip())))
                .run();
        RepairResult result = Repair.from(report)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(neu);
        assertThat(result.skipped()).isEqualTo(1);
        assertThat(result.repaired()).isZero();
        assertThat(neu.all()).isEmpty();
    }

    @Test
    void aKeyThatCannotBeReadFailsAloneAndItsEntryStaysPending() throws Exception {
        InMemoryVersionedTarget old = store(live("a", 1, "x"), live("b", 1, "x"));
        InMemoryVersionedTarget neu = new InMemoryVersionedTarget();
        miss("a", FailedWrite.Target.NEW, Instant.now());
        miss("b", FailedWrite.Target.NEW, Instant.now());
        KeyReader flaky = key -> {
            if (key.equals("a")) {
                throw new java.sql.SQLTransientException("timeout");
            }
            return old.read(key);
        };
        RepairResult result = Repair.fromJournal(journal)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(flaky)
                .apply(neu);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.failedKeys()).containsExactly("a");
        assertThat(result.upserted()).isEqualTo(1);
        assertThat(journal.pending()).extracting(e -> e.write().entityKey()).containsExactly("a");
    }

    @Test
    void aRowTheTargetRefusesFailsAloneAndTheRestOfItsBatchIsRepaired() throws Exception {
        InMemoryVersionedTarget old = store(live("a", 1, "x"), live("bad", 2, "x"), live("c", 3, "x"));
        RefusingTarget neu = new RefusingTarget(Set.of("bad"));
        miss("a", FailedWrite.Target.NEW, Instant.now());
        miss("bad", FailedWrite.Target.NEW, Instant.now());
        miss("c", FailedWrite.Target.NEW, Instant.now());
        RepairResult result = Repair.fromJournal(journal)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(neu);
        assertThat(result.failedKeys()).containsExactly("bad");
        assertThat(result.upserted()).isEqualTo(2);
        assertThat(neu.store.all()).extracting(Change::key).containsExactly("a", "c");
        assertThat(journal.pending()).extracting(e -> e.write().entityKey()).containsExactly("bad");
    }

    @Test
    void changesTheMirrorDroppedAreRepairedFromItsJournal() throws Exception {
        InMemoryVersionedTarget old = store(live("o-1", 7, "x"), live("o-2", 8, "y"));
        InMemoryVersionedTarget neu = new InMemoryVersionedTarget();
        // a closed mirror drops every change it is given, by key, into the journal
        try (Mirror<Change> mirror = Mirror.to(neu)
                .mapping((Change c) -> List.of(c))
                .workers(1)
                .journal(journal)
                .build()) {
            mirror.close(Duration.ofSeconds(10));
            old.all().forEach(mirror::observe);
        }
        assertThat(journal.pending()).extracting(e -> e.write().entityKey()).containsExactly("o-1", "o-2");
        RepairResult result = Repair.fromJournal(journal)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(neu);
        assertThat(result.upserted()).isEqualTo(2);
        assertThat(journal.pendingCount()).isZero();
        assertThat(reconcile(old, neu).clean()).isTrue();
    }

    @Test
    void directionAndAuthorityMustBeGiven() {
        InMemoryVersionedTarget neu = new InMemoryVersionedTarget();
        assertThatThrownBy(
                        () -> Repair.fromJournal(journal).authority(neu::read).apply(neu))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("direction");
        assertThatThrownBy(() -> Repair.fromJournal(journal)
                        .direction(Repair.Direction.NEW_TO_OLD)
                        .apply(neu))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("authority")
                .hasMessageContaining("new store");
        assertThatThrownBy(() -> Repair.fromJournal(journal).batchSize(0)).hasMessageContaining("but was 0");
    }
}
