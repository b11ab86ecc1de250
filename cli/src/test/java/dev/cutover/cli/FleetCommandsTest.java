package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import dev.cutover.cli.Fleet.Instance;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code cutover fleet} and {@code --wait-fleet} on real stores (PostgreSQL, H2, DynamoDB Local)
 * with real instances started here ({@link Fleet}: a flag client polling every 200 ms, a dual-write
 * proxy and a heartbeat every 500 ms each): the listing, a flip waited for until every instance holds it, an
 * instance that cannot read the store named as behind, a dead one shown as missed and not waited
 * for, a scheduled flip waited for until its instant, and an empty fleet refused before anything
 * is written.
 */
class FleetCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(Fleet.Kind.class)
    void theFleetIsListedAndAWaitedMoveReturnsOnceEveryInstanceHoldsIt(Fleet.Kind kind) throws Exception {
        try (Fleet fleet = Fleet.create(kind)) {
            fleet.run(0, "flags", "set", "checkout", "--on", "--actor", "alice", "--reason", "create");
            Instance o1 = fleet.start("orders", "orders-1");
            Instance o2 = fleet.start("orders", "orders-2");
            Instance b1 = fleet.start("billing", "billing-1");
            fleet.awaitHolding(1, o1, o2, b1);

            Result listed = fleet.run(0, "fleet");
            assertThat(listed.out())
                    .containsPattern("SERVICE +INSTANCE +REVISION +BEHIND +STAGES +CLIENT +HEARTBEAT +STATUS")
                    .containsPattern("billing +billing-1 +1 +0 +orders=OLD_ONLY +READY STORE +\\S+ ago +LIVE")
                    .containsPattern("orders +orders-1 +1 +0 +orders=OLD_ONLY +READY STORE +\\S+ ago +LIVE")
                    .containsPattern("orders +orders-2 +1 +0 +orders=OLD_ONLY +READY STORE +\\S+ ago +LIVE")
                    .contains("billing: 1 live, 0 missed; revisions held: 1 (1)")
                    .contains("orders: 2 live, 0 missed; revisions held: 1 (2)")
                    .contains("store revision 1; 3 instances of 2 services: 3 live, 0 missed");
            assertThat(listed.out().indexOf("billing-1"))
                    .as("by service, then instance")
                    .isLessThan(listed.out().indexOf("orders-1"));

            Result moved = fleet.run(
                    0,
                    "stage",
                    Fleet.STAGE_FLAG,
                    "--next",
                    "--actor",
                    "alice",
                    "--reason",
                    "OPS-1 dual writes",
                    "--wait-fleet=30s");
            assertThat(moved.out())
                    .contains("stage flag 'orders.migration': OLD_ONLY -> DUAL_WRITE (version 0 -> 1)")
                    .containsPattern(
                            "fleet holds revision 2: all 3 live instances \\(billing: 1, orders: 2\\) in \\S+");
            assertThat(moved.err()).contains("waiting up to 30s for every live instance to hold revision 2");

            // every instance reported the new stage of its proxy with the revision
            JsonNode fleetJson = json(fleet.run(0, "fleet", "-o", "json"));
            assertThat(fleetJson.get("headRevision").asLong()).isEqualTo(2);
            assertThat(fleetJson.get("allLive").asBoolean()).isTrue();
            assertThat(fleetJson.get("instances")).hasSize(3);
            for (JsonNode i : fleetJson.get("instances")) {
                assertThat(i.get("revision").asLong()).as("%s", i).isEqualTo(2);
                assertThat(i.get("behind").asLong()).as("%s", i).isZero();
                assertThat(i.at("/stages/orders").asText()).as("%s", i).isEqualTo("DUAL_WRITE");
                assertThat(i.get("status").asText()).isEqualTo("LIVE");
                assertThat(i.get("state").asText()).isEqualTo("READY");
                assertThat(i.get("source").asText()).isEqualTo("STORE");
                assertThat(i.get("intervalMillis").asLong()).isEqualTo(Fleet.INTERVAL.toMillis());
            }
            assertThat(fleetJson.get("services"))
                    .extracting(
                            s -> s.get("service").asText() + " " + s.get("live").asLong() + " "
                                    + s.at("/revisions/0/revision").asLong() + "x"
                                    + s.at("/revisions/0/instances").asLong())
                    .containsExactly("billing 1 2x1", "orders 2 2x2");

            JsonNode set = json(fleet.run(
                    0,
                    "flags",
                    "set",
                    "checkout",
                    "--off",
                    "--actor",
                    "bob",
                    "--reason",
                    "OPS-2",
                    "--wait-fleet",
                    "--fleet-service",
                    "billing",
                    "-o",
                    "json"));
            assertThat(set.get("version").asLong()).isEqualTo(2);
            JsonNode waited = set.get("fleet");
            assertThat(waited.get("reached").asBoolean()).isTrue();
            assertThat(waited.get("revision").asLong()).isEqualTo(3);
            assertThat(waited.get("service").asText()).isEqualTo("billing");
            assertThat(waited.get("timeoutMillis").asLong()).isEqualTo(120_000);
            assertThat(waited.get("writeKept").asBoolean()).isTrue();
            assertThat(waited.get("holding"))
                    .extracting(i -> i.get("instance").asText())
                    .containsExactly("billing-1");
            assertThat(waited.get("laggards")).isEmpty();
            assertThat(b1.client.status().revision()).isGreaterThanOrEqualTo(3);

            // the other writes the fleet serves wait the same way
            Result rolledBack = fleet.run(
                    0,
                    "flags",
                    "rollback",
                    "checkout",
                    "--to-version",
                    "1",
                    "--actor",
                    "bob",
                    "--reason",
                    "OPS-3",
                    "--wait-fleet=30s");
            assertThat(rolledBack.out())
                    .contains("(rollback to version 1)")
                    .contains("fleet holds revision 4: all 3 live instances (billing: 1, orders: 2) in");
            JsonNode deleted = json(fleet.run(
                    0,
                    "flags",
                    "delete",
                    "checkout",
                    "--actor",
                    "bob",
                    "--reason",
                    "OPS-4",
                    "--wait-fleet",
                    "-o",
                    "json"));
            assertThat(deleted.get("action").asText()).isEqualTo("delete");
            assertThat(deleted.at("/fleet/reached").asBoolean()).isTrue();
            assertThat(deleted.at("/fleet/revision").asLong()).isEqualTo(5);
            assertThat(deleted.at("/fleet/holding")).hasSize(3);
            assertThat(o1.client.booleanValue("checkout", true))
                    .as("the deleted flag serves the caller's default on every instance")
                    .isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Fleet.Kind.class)
    void anInstanceThatCannotReadTheStoreIsNamedAndTheWriteIsKept(Fleet.Kind kind) throws Exception {
        try (Fleet fleet = Fleet.create(kind)) {
            Instance healthy = fleet.start("orders", "orders-1");
            Instance lagging = fleet.start("orders", "orders-2");
            fleet.awaitHolding(0, healthy, lagging);
            lagging.lag();

            Result r = fleet.run(
                    6, "flags", "set", "checkout", "--on", "--actor", "alice", "--reason", "create", "--wait-fleet=2s");
            assertThat(r.out()).contains("flag 'checkout' created version 1: on, serves false");
            assertThat(r.err())
                    .contains("error: the fleet did not hold revision 1 within 2s: 1 of 2 live instances behind"
                            + " (orders/orders-2); the write is kept: a failed wait never undoes it")
                    .contains("  behind: orders/orders-2 holds revision 0 (client ")
                    .contains("  holding revision 1: orders/orders-1")
                    .contains("behind: orders/orders-2 (revision 0)");
            assertThat(json(fleet.run(0, "flags", "get", "checkout", "-o", "json"))
                            .get("version")
                            .asLong())
                    .as("the write is kept")
                    .isEqualTo(1);

            Result asJson = fleet.run(
                    6,
                    "flags",
                    "set",
                    "checkout",
                    "--off",
                    "--actor",
                    "alice",
                    "--reason",
                    "off",
                    "--wait-fleet=2s",
                    "-o",
                    "json");
            JsonNode doc = json(asJson);
            assertThat(doc.get("version").asLong()).isEqualTo(2);
            JsonNode waited = doc.get("fleet");
            assertThat(waited.get("reached").asBoolean()).isFalse();
            assertThat(waited.get("revision").asLong()).isEqualTo(2);
            assertThat(waited.get("error").isNull()).isTrue();
            assertThat(waited.get("message").asText()).contains("the write is kept");
            assertThat(waited.get("laggards")).hasSize(1);
            assertThat(waited.at("/laggards/0/instance").asText()).isEqualTo("orders-2");
            assertThat(waited.at("/laggards/0/revision").asLong()).isZero();
            assertThat(waited.at("/laggards/0/behind").asLong()).isEqualTo(2);
            assertThat(waited.get("holding"))
                    .extracting(i -> i.get("instance").asText())
                    .containsExactly("orders-1");

            Result listed = fleet.run(0, "fleet");
            assertThat(listed.out())
                    .containsPattern("orders +orders-2 +0 +2 +orders=OLD_ONLY +\\w+ STORE +\\S+ ago +LIVE")
                    .contains("orders: 2 live, 0 missed; revisions held: 2 (1), 0 (1)");
        }
    }

    @ParameterizedTest
    @EnumSource(Fleet.Kind.class)
    void aDeadInstanceShowsAsMissedAndIsNotWaitedFor(Fleet.Kind kind) throws Exception {
        try (Fleet fleet = Fleet.create(kind)) {
            Instance alive = fleet.start("orders", "orders-1");
            Instance dead = fleet.start("orders", "orders-2");
            fleet.awaitHolding(0, alive, dead);
            dead.kill();
            fleet.awaitMissed(dead);

            Result listed = fleet.run(0, "fleet");
            assertThat(listed.out())
                    .containsPattern("orders +orders-1 .* LIVE")
                    .containsPattern("orders +orders-2 .* MISSED")
                    .contains("orders: 1 live, 1 missed; revisions held: 0 (2)");
            Result strict = fleet.run(6, "fleet", "--require-all-live");
            assertThat(strict.err())
                    .contains("error: --require-all-live: 1 instance missed its heartbeats: orders/orders-2");
            assertThat(json(fleet.run(6, "fleet", "--require-all-live", "-o", "json"))
                            .get("allLive")
                            .asBoolean())
                    .isFalse();

            Result set = fleet.run(
                    0, "flags", "set", "checkout", "--on", "--actor", "a", "--reason", "r", "--wait-fleet=30s");
            assertThat(set.out())
                    .contains("fleet holds revision 1: the only live instance (orders: 1) in")
                    .contains("missed their heartbeats (not waited for; look at them): orders/orders-2 holds"
                            + " revision 0");
        }
    }

    @ParameterizedTest
    @EnumSource(Fleet.Kind.class)
    void aScheduledFlipIsWaitedForUntilItsInstant(Fleet.Kind kind) throws Exception {
        try (Fleet fleet = Fleet.create(kind)) {
            fleet.run(0, "flags", "set", "checkout", "--off", "--actor", "a", "--reason", "create");
            Instance one = fleet.start("orders", "orders-1");
            fleet.awaitHolding(1, one);
            Instant at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);

            Result r = fleet.run(
                    0,
                    "flags",
                    "set",
                    "checkout",
                    "--on",
                    "--variant",
                    "true",
                    "--effective-at",
                    at.toString(),
                    "--actor",
                    "a",
                    "--reason",
                    "at once everywhere",
                    "--wait-fleet=10s");

            assertThat(Instant.now()).as("returned once the instant passed").isAfterOrEqualTo(at);
            assertThat(one.client.booleanValue("checkout", false))
                    .as("the instance serves the scheduled change")
                    .isTrue();
            assertThat(r.err())
                    .contains("waiting up to 10s after " + at + " for every live instance to hold revision 2");
            assertThat(r.out()).contains("fleet holds revision 2").contains("the change took effect at " + at);
        }
    }

    @ParameterizedTest
    @EnumSource(Fleet.Kind.class)
    void anEmptyFleetIsRefusedBeforeAnythingIsWrittenAndServicesMatchExactly(Fleet.Kind kind) throws Exception {
        try (Fleet fleet = Fleet.create(kind)) {
            Result none =
                    fleet.run(4, "flags", "set", "checkout", "--on", "--actor", "a", "--reason", "r", "--wait-fleet");
            assertThat(none.err())
                    .contains("error: --wait-fleet: no live instance reports heartbeats to the flag store at")
                    .contains("nothing was written")
                    .contains("check --fleet-service");
            assertThat(fleet.head()).as("nothing was written").isZero();
            assertThat(fleet.run(0, "fleet").out()).contains("no instance reports heartbeats to the flag store at");
            assertThat(fleet.run(6, "fleet", "--require-all-live").err())
                    .contains("error: --require-all-live: no live instance");

            Instance one = fleet.start("orders", "orders-1");
            fleet.awaitHolding(0, one);
            Result other = fleet.run(
                    4,
                    "stage",
                    Fleet.STAGE_FLAG,
                    "--next",
                    "--actor",
                    "a",
                    "--reason",
                    "r",
                    "--wait-fleet",
                    "--fleet-service",
                    "ORDERS");
            assertThat(other.err()).contains("no live instance of service ORDERS reports heartbeats");
            assertThat(fleet.head()).as("nothing was written").isZero();

            assertThat(fleet.run(0, "fleet", "--service", "ORDERS").out())
                    .contains("no instance of service ORDERS reports heartbeats");
            assertThat(fleet.run(0, "fleet", "--service", "orders").out()).contains("orders-1");
            assertThat(fleet.run(0, "fleet", "--service", "order").out()).doesNotContain("orders-1");
        }
    }

    @ParameterizedTest
    @EnumSource(Fleet.Kind.class)
    void aStoreWithoutItsHeartbeatTableNamesItAndInitCreatesIt(Fleet.Kind kind) throws Exception {
        try (Fleet fleet = Fleet.create(kind)) {
            String table = fleet.dropHeartbeatTable();

            Result missing = fleet.run(1, "fleet");
            assertThat(missing.err())
                    .contains("has no heartbeat table yet (" + table + " is missing); create it with 'cutover flags"
                            + " init' (same connection options)");
            Result waiting =
                    fleet.run(1, "flags", "set", "checkout", "--on", "--actor", "a", "--reason", "r", "--wait-fleet");
            assertThat(waiting.err()).contains("(" + table + " is missing)").contains("nothing was written");
            assertThat(fleet.head()).as("nothing was written").isZero();

            assertThat(fleet.run(0, "flags", "init").out()).contains(table + ": created");
            assertThat(fleet.run(0, "fleet").out()).contains("no instance reports heartbeats");
        }
    }

    private static JsonNode json(Result r) {
        try {
            return JSON.readTree(r.out());
        } catch (Exception e) {
            throw new AssertionError("not one JSON document: " + r, e);
        }
    }
}
