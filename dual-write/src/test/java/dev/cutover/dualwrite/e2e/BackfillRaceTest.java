package dev.cutover.dualwrite.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Harness;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.JournalEntry;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The race of a plain backfill ("read a page of the old store, write it to the new one") with
 * callers writing through the proxy in DUAL_WRITE, step by step on the real stores. A caller that
 * deletes a row after the backfill read it and before the backfill wrote it gets the row back in
 * DynamoDB; one that updates it gets its update overwritten by the older row. With shadow writes
 * on, neither is journaled (both shadow writes succeeded), so only the comparisons of SHADOW find
 * them. With the new store's breaker forced open during the backfill, both writes are journaled,
 * and the journal repair settles the keys: what {@link JdbcToDynamoDbMigrationTest} does.
 * Versioned apply (a write lands only if it is newer, deletes leaving a versioned tombstone)
 * would make the plain backfill safe by itself.
 */
class BackfillRaceTest {
    private static final String FLAG = "customers.migration";
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Customer ALICE = new Customer("c-a", "Alice", "gold", List.of("vip", "b2b"), T0);
    private static final Customer BOB = new Customer("c-b", "Bob", "silver", List.of(), T0);
    private static final Customer BOB_UPDATED = new Customer("c-b", "Bob", "gold", List.of("vip"), T0.plusSeconds(1));
    private static final Customer CAROL = new Customer("c-c", "Carol", "bronze", List.of("beta"), T0);

    @AfterAll
    static void noThreadsLeft() {
        Harness.assertNoLibraryThreads();
    }

    @Test
    void withShadowWritesOnADeleteDuringTheBackfillResurrectsTheRowAndNothingIsJournaled() throws Exception {
        try (Stores stores = new Stores("backfill_race_on");
                TestFlags flags = new TestFlags()) {
            Reports reports = new Reports();
            CustomerRepository customers = proxy(stores, flags, reports);
            DualWriteControl control = DualWrite.control(customers);
            try {
                List<Customer> page = stores.postgres.page("", 50); // the backfill reads a page
                customers.delete(ALICE.id()); // callers write meanwhile, shadowed at once
                customers.save(BOB_UPDATED);
                assertThat(control.awaitIdle(Duration.ofSeconds(5))).isTrue();
                page.forEach(stores.dynamo::save); // the backfill writes the page it read

                assertThat(control.counts().shadowWritesSucceeded())
                        .as("both shadow writes succeeded")
                        .isEqualTo(2);
                assertThat(stores.journal.pendingCount())
                        .as("so nothing is journaled")
                        .isZero();
                assertThat(stores.postgresRows()).isEqualTo(rows(BOB_UPDATED, CAROL));
                assertThat(stores.dynamoRows())
                        .as("Alice deleted but back, Bob's update lost")
                        .isEqualTo(rows(ALICE, BOB, CAROL));

                Map<String, Outcome> compared = readAllInShadow(customers, control, flags, reports);
                assertThat(compared)
                        .as("only the comparisons notice")
                        .isEqualTo(Map.of(
                                ALICE.id(), Outcome.MISMATCH, BOB.id(), Outcome.MISMATCH, CAROL.id(), Outcome.MATCH));
            } finally {
                control.close(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void withTheNewStoresBreakerForcedOpenTheRacingWritesAreJournaledAndTheRepairSettlesThem() throws Exception {
        try (Stores stores = new Stores("backfill_race_open");
                TestFlags flags = new TestFlags()) {
            Reports reports = new Reports();
            CustomerRepository customers = proxy(stores, flags, reports);
            DualWriteControl control = DualWrite.control(customers);
            try {
                control.circuitBreaker(Side.NEW).transitionToForcedOpenState();
                List<Customer> page = stores.postgres.page("", 50);
                customers.delete(ALICE.id());
                customers.save(BOB_UPDATED);
                assertThat(control.awaitIdle(Duration.ofSeconds(5))).isTrue();
                page.forEach(stores.dynamo::save);
                control.circuitBreaker(Side.NEW).transitionToClosedState();

                assertThat(stores.journal.pending(0, 10))
                        .extracting(JournalEntry::write)
                        .extracting(
                                FailedWrite::method, FailedWrite::entityKey, FailedWrite::target, FailedWrite::reason)
                        .containsExactlyInAnyOrder(
                                tuple("delete", ALICE.id(), FailedWrite.Target.NEW, FailedWrite.Reason.CIRCUIT_OPEN),
                                tuple("save", BOB.id(), FailedWrite.Target.NEW, FailedWrite.Reason.CIRCUIT_OPEN));
                KeyCopier.Repair repair =
                        new KeyCopier(stores.postgres, stores.dynamo).repairJournal(stores.journal, Stage.DUAL_WRITE);

                assertThat(repair).isEqualTo(new KeyCopier.Repair(2, 2, 2, 1, 0, 0));
                assertThat(stores.journal.pendingCount()).isZero();
                assertThat(stores.dynamoRows()).isEqualTo(stores.postgresRows()).isEqualTo(rows(BOB_UPDATED, CAROL));
                Map<String, Outcome> compared = readAllInShadow(customers, control, flags, reports);
                assertThat(compared)
                        .isEqualTo(
                                Map.of(ALICE.id(), Outcome.MATCH, BOB.id(), Outcome.MATCH, CAROL.id(), Outcome.MATCH));
            } finally {
                control.close(Duration.ofSeconds(5));
            }
        }
    }

    /** Seeds PostgreSQL with three customers and builds a proxy at DUAL_WRITE. */
    private static CustomerRepository proxy(Stores stores, TestFlags flags, Reports reports) {
        for (Customer c : List.of(ALICE, BOB, CAROL)) {
            stores.postgres.save(c);
        }
        flags.set(FLAG, Stage.DUAL_WRITE.name());
        return DualWrite.of(CustomerRepository.class)
                .oldStore(stores.postgres)
                .newStore(stores.dynamo)
                .stageFlag(flags.client(), FLAG)
                .entityKey("save", args -> ((Customer) args[0]).id())
                .journal(stores.journal)
                .listener(reports)
                .comparison(Comparison.builder()
                        .unorderedArrays("/tags")
                        .recheckAfter(Duration.ofMillis(50))
                        .build())
                .build();
    }

    /** In SHADOW, finds each customer once; the outcome of each comparison, by id. */
    private static Map<String, Outcome> readAllInShadow(
            CustomerRepository customers, DualWriteControl control, TestFlags flags, Reports reports)
            throws InterruptedException {
        flags.set(FLAG, Stage.SHADOW.name());
        for (Customer c : List.of(ALICE, BOB, CAROL)) {
            customers.find(c.id());
        }
        assertThat(control.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(reports.reports()).as("one comparison per find").hasSize(3);
        return reports.reports().stream()
                .collect(Collectors.toMap(ComparisonReport::entityKey, ComparisonReport::outcome));
    }

    private static Map<String, Customer> rows(Customer... customers) {
        Map<String, Customer> rows = new TreeMap<>();
        for (Customer c : customers) {
            rows.put(c.id(), c.canonical());
        }
        return rows;
    }
}
