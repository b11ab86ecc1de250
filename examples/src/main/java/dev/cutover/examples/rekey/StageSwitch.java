package dev.cutover.examples.rekey;

import dev.cutover.dualwrite.PendingRepairsException;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.fleet.FleetView;
import dev.cutover.flags.spi.AuditInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The operator's side of the stage flag: the seed story's configuration table, which every
 * service reads. Moves go through {@link StageFlag}, one step at a time, each a compare-and-set
 * with an audit record. Whether every service holds a move is read from the services' heartbeats
 * through the {@link FleetView}, as an operator's {@code cutover stage ... --wait-fleet} does.
 */
final class StageSwitch {
    private static final AuditInfo AUDIT = new AuditInfo("operator", "orders re-key: move the stage");

    private final DynamoDbFlagStore flags;
    private final ServiceFleet fleet;
    private final FlipWatch watch;
    private final MissedWriteReplay repair;
    private final FleetView view;
    /** The longest a move took to reach every service so far. */
    private Duration slowest = Duration.ZERO;

    StageSwitch(DynamoDbFlagStore flags, ServiceFleet fleet, FlipWatch watch, MissedWriteReplay repair) {
        this.flags = flags;
        this.fleet = fleet;
        this.watch = watch;
        this.repair = repair;
        this.view = FleetView.of(flags);
    }

    /** Creates the flag table (with a stream, for push) holding the stage flag at {@code OLD_ONLY}. */
    static DynamoDbFlagStore createFlagTable(DynamoDbClient dynamoDb) throws Exception {
        DynamoDbFlagStore flags =
                DynamoDbFlagStore.builder(dynamoDb, ServiceFleet.FLAG_TABLE).build();
        flags.createTableIfMissing();
        flags.put(StageFlag.definition(ServiceFleet.STAGE_FLAG, Stage.OLD_ONLY), 0, AUDIT);
        return flags;
    }

    /**
     * Moves to {@code to} at once: each service switches at its next refresh, so for a moment the
     * fleet serves two neighbouring stages, which agree on where writes land.
     *
     * @return how long until every service had it, or empty if not within {@code bound}
     */
    Optional<Duration> move(Stage to, Duration bound) throws Exception {
        long start = System.nanoTime();
        publish(to, null);
        return awaitFleet(flags.headRevision(), bound).map(at -> slowest(Duration.ofNanos(System.nanoTime() - start)));
    }

    /**
     * Waits until the fleet view shows every service holding {@code revision}.
     *
     * @return when it did, or empty when {@code bound} passed first
     */
    private Optional<Instant> awaitFleet(long revision, Duration bound) throws Exception {
        long end = System.nanoTime() + bound.toNanos();
        while (true) {
            FleetView.Wait wait = view.awaitRevision(
                    revision,
                    null,
                    null,
                    Duration.ofNanos(Math.max(0, end - System.nanoTime())),
                    Duration.ofMillis(10));
            if (wait.reached() && wait.holding().size() == fleet.size()) {
                return Optional.of(Instant.now());
            }
            if (System.nanoTime() > end) {
                return Optional.empty();
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    /**
     * Reads the fleet view until every service's heartbeat reports {@code stage} at revision
     * {@code revision} or later, within {@code bound}.
     *
     * @return what it showed last, as {@code "12 of 12 services report LIVE at revision 9 or later"}
     *     (and the services that did not, if any)
     */
    FleetReport fleetOn(Stage stage, Duration bound) throws Exception {
        long revision = flags.headRevision();
        long end = System.nanoTime() + bound.toNanos();
        while (true) {
            List<FleetView.Instance> all = view.instances();
            List<String> others = new ArrayList<>();
            int on = 0;
            for (FleetView.Instance i : all) {
                boolean there = i.live()
                        && i.holds(revision)
                        && stage.name().equals(i.heartbeat().stages().get(ServiceFleet.STAGE_FLAG));
                if (there) {
                    on++;
                } else {
                    others.add(i.heartbeat().service() + "="
                            + i.heartbeat().stages().get(ServiceFleet.STAGE_FLAG) + "@"
                            + i.heartbeat().revision() + (i.live() ? "" : " (missed)"));
                }
            }
            if ((on == fleet.size() && others.isEmpty()) || System.nanoTime() > end) {
                return new FleetReport(stage, revision, on, all.size(), fleet.size(), others);
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    /**
     * What the fleet view showed after a move or flip.
     *
     * @param stage the stage every service should report
     * @param revision the flag revision every service should hold
     * @param on services whose heartbeat reports both
     * @param listed instances the view listed
     * @param services services running
     * @param others how the rest stood ({@code service=STAGE@revision})
     */
    record FleetReport(Stage stage, long revision, int on, int listed, int services, List<String> others) {
        boolean all() {
            return on == services && listed == services;
        }

        @Override
        public String toString() {
            return on + " of " + services + " services report " + stage + " at revision " + revision + " or later"
                    + (others.isEmpty() ? "" : "; not yet: " + others);
        }
    }

    private Duration slowest(Duration took) {
        slowest = took.compareTo(slowest) > 0 ? took : slowest;
        return took;
    }

    /**
     * How far ahead to publish a flip: {@code atLeast}, or four times the longest a move took to
     * reach every service so far, whichever is longer. Every service must hold the flip before its
     * instant, or it switches late: choose it well above the poll interval and the pauses a busy
     * host can cause.
     */
    Duration lead(Duration atLeast) {
        Duration measured = slowest.multipliedBy(4);
        return measured.compareTo(atLeast) > 0 ? measured : atLeast;
    }

    /**
     * Publishes the move to {@code to} with an {@code effectiveAt} instant {@code lead} ahead, so
     * that every service switches at that instant whenever it refreshed; then lets the traffic run
     * for {@code settle} past the instant, and on until every service has read (within {@code
     * bound}), and returns how the fleet did.
     */
    FlipWatch.Result flip(Stage from, Stage to, Duration lead, Duration settle, Duration bound) throws Exception {
        long start = System.nanoTime();
        Instant at = Instant.ofEpochMilli(System.currentTimeMillis() + lead.toMillis()); // whole ms, as clients compare
        watch.arm(from, to, at);
        publish(to, at);
        Instant heldAt = awaitFleet(flags.headRevision(), lead.plus(bound)).orElse(Instant.now());
        slowest(Duration.ofNanos(System.nanoTime() - start));
        // Back to the old table: it must first get the shadow writes it missed while the new table
        // answered. Repair once before the instant, and once after it for writes missed in between.
        boolean backToOld = from.authoritative() == Side.NEW && to.authoritative() == Side.OLD;
        if (backToOld) {
            repair.run();
        }
        waitUntil(at);
        if (backToOld) {
            repair.run();
        }
        Instant settled = at.plus(settle);
        Instant end = at.plus(bound);
        while (Instant.now().isBefore(settled)
                || !watch.everyServiceReadAfter() && Instant.now().isBefore(end)) {
            LockSupport.parkNanos(2_000_000L);
        }
        return watch.result(heldAt);
    }

    /**
     * Writes the move through the guarded {@link StageFlag} overloads: refused while the journal
     * holds an open gap, and, for the move that makes the new table authoritative, while it holds
     * keys the new table missed. Those are replayed first, as an operator does; a write that misses
     * between the replay and the move is replayed on the next try.
     */
    private void publish(Stage to, @Nullable Instant at) throws Exception {
        for (int attempt = 1; ; attempt++) {
            if (to.authoritative() == Side.NEW) {
                repair.run();
            }
            try {
                if (at == null) {
                    StageFlag.moveTo(flags, ServiceFleet.STAGE_FLAG, to, AUDIT, fleet.journal());
                } else {
                    StageFlag.moveTo(flags, ServiceFleet.STAGE_FLAG, to, at, AUDIT, fleet.journal());
                }
                return;
            } catch (PendingRepairsException missedMeanwhile) {
                if (attempt == 10) {
                    throw missedMeanwhile;
                }
            }
        }
    }

    private static void waitUntil(Instant instant) {
        while (Instant.now().isBefore(instant)) {
            LockSupport.parkNanos(1_000_000L);
        }
    }
}
