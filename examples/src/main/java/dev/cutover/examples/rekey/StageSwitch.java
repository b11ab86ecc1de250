package dev.cutover.examples.rekey;

import dev.cutover.dualwrite.PendingRepairsException;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.spi.AuditInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The operator's side of the stage flag: the seed story's configuration table, which every
 * service reads. Moves go through {@link StageFlag}, one step at a time, each a compare-and-set
 * with an audit record.
 */
final class StageSwitch {
    private static final AuditInfo AUDIT = new AuditInfo("operator", "orders re-key: move the stage");

    private final DynamoDbFlagStore flags;
    private final ServiceFleet fleet;
    private final FlipWatch watch;
    private final MissedWriteReplay repair;
    /** The longest a move took to reach every service so far. */
    private Duration slowest = Duration.ZERO;

    StageSwitch(DynamoDbFlagStore flags, ServiceFleet fleet, FlipWatch watch, MissedWriteReplay repair) {
        this.flags = flags;
        this.fleet = fleet;
        this.watch = watch;
        this.repair = repair;
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
        return fleet.awaitRevision(flags.headRevision(), bound)
                .map(at -> slowest(Duration.ofNanos(System.nanoTime() - start)));
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
        Instant heldAt =
                fleet.awaitRevision(flags.headRevision(), lead.plus(bound)).orElse(Instant.now());
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
