package dev.cutover.examples.rekey;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.MigrationListener;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.fleet.FleetHeartbeat;
import dev.cutover.journal.FailedWriteJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * One of the services that use the orders: its own flag client on the flag table and its own
 * dual-write proxy over both tables, as if deployed on its own. Its traffic runs on one thread:
 * reads of any order, and writes (updates, deletes, new orders) of its own share of the ids, so
 * no two services write one id at once and each carries the id's version on by one.
 */
final class Service implements AutoCloseable {
    /** Set by the table that answers a call on the caller's thread: the authoritative one. */
    private static final ThreadLocal<Side> ANSWERED = new ThreadLocal<>();

    private final int index;
    private final DynamoDbFlagStore flagStore;
    private final FlagClient flags;
    private final Orders orders;
    private final FleetHeartbeat heartbeat;
    private final List<String> readable;
    private final List<String> owned;
    private final Map<String, Long> versions;
    private final FlipWatch watch;
    private final Duration stepEvery;
    private final Thread thread;
    private volatile boolean running = true;
    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<@Nullable String> firstError = new AtomicReference<>();

    /**
     * @param push whether this service's flag store follows the flag table's stream (DynamoDB
     *     advises at most two readers per shard, so two services push and the rest poll fast)
     * @param owned the ids this service writes, with their current versions
     */
    Service(
            int index,
            DynamoDbClient dynamoDb,
            @Nullable DynamoDbStreamsClient push,
            OldTable oldTable,
            NewTable newTable,
            List<String> readable,
            Map<String, Long> owned,
            FailedWriteJournal journal,
            MigrationListener comparisons,
            FlipWatch watch,
            Duration stepEvery) {
        this.index = index;
        DynamoDbFlagStore.Builder store = DynamoDbFlagStore.builder(dynamoDb, ServiceFleet.FLAG_TABLE);
        if (push != null) {
            store.streams(push).streamPollInterval(Duration.ofMillis(50));
        }
        this.flagStore = store.build();
        Duration poll = push != null ? Duration.ofSeconds(5) : Duration.ofMillis(250); // polling stays the safety net
        this.flags = FlagClient.builder(flagStore).pollInterval(poll).build();
        this.orders = DualWrite.of(Orders.class)
                .oldStore(answering(oldTable, Side.OLD))
                .newStore(answering(newTable, Side.NEW))
                .stageFlag(flags, ServiceFleet.STAGE_FLAG)
                .entityKey("save", args -> ((Order) args[0]).id())
                .shadowThreads(2)
                .shadowTimeout(Duration.ofSeconds(5)) // generous: the stores share two busy cores with the rest
                .journal(journal) // shared here; per service a durable one (JDBC) in production
                .listener(comparisons)
                .build();
        // where this service stands, in the flag table's heartbeat table: what the operator's flips wait on
        this.heartbeat = FleetHeartbeat.builder(flags, flagStore, name())
                .instance(name() + "-a")
                .interval(poll)
                .stages(() -> Map.of(ServiceFleet.STAGE_FLAG, stage().name()))
                .start();
        this.readable = readable;
        this.owned = new ArrayList<>(owned.keySet());
        this.versions = new HashMap<>(owned);
        this.watch = watch;
        this.stepEvery = stepEvery;
        this.thread = new Thread(this::traffic, name());
        thread.setDaemon(true);
    }

    /** Marks which table answered, then lets it answer. */
    private static Orders answering(Orders table, Side side) {
        return new Orders() {
            @Override
            public Optional<Order> find(String id) {
                ANSWERED.set(side);
                return table.find(id);
            }

            @Override
            public void save(Order order) {
                table.save(order);
            }

            @Override
            public void delete(String id, long version) {
                table.delete(id, version);
            }
        };
    }

    String name() {
        return String.format("service-%02d", index + 1);
    }

    void start() {
        thread.start();
    }

    /** Stops the traffic and waits for it to end. */
    void stop() throws InterruptedException {
        running = false;
        thread.join();
    }

    private void traffic() {
        Random random = new Random(1022L + index);
        long created = 0;
        for (long step = 1; running; step++) {
            long next = System.nanoTime() + stepEvery.toNanos();
            read(readable.get(random.nextInt(readable.size())));
            if (step % 4 == 0) {
                int op = random.nextInt(10);
                if (op < 2 || owned.isEmpty()) { // a new order, its id typed by a person, so possibly dirty too
                    String id = DirtyKeys.maybeDirty(DirtyKeys.cleanId(10_000_000L * (index + 1) + created++), random);
                    owned.add(id);
                    write(() -> orders.save(OldTable.randomOrder(id, versions.merge(id, 1L, Long::sum), random)));
                } else {
                    String id = owned.get(random.nextInt(owned.size()));
                    long version = versions.merge(id, 1L, Long::sum);
                    write(
                            op < 4
                                    ? () -> orders.delete(id, version)
                                    : () -> orders.save(OldTable.randomOrder(id, version, random)));
                }
            }
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private void read(String id) {
        ANSWERED.remove();
        long start = System.currentTimeMillis();
        try {
            orders.find(id);
            reads.increment();
            Side side = ANSWERED.get();
            if (side != null) {
                watch.read(index, start, System.currentTimeMillis(), side);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void write(Runnable call) {
        try {
            call.run();
            writes.increment();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(RuntimeException e) {
        errors.increment();
        firstError.compareAndSet(null, name() + ": " + e);
    }

    /** The stage a call of this service would be pinned to now. */
    Stage stage() {
        return DualWrite.control(orders).stage(null);
    }

    long reads() {
        return reads.sum();
    }

    long writes() {
        return writes.sum();
    }

    long errors() {
        return errors.sum();
    }

    @Nullable
    String firstError() {
        return firstError.get();
    }

    DualWriteControl control() {
        return DualWrite.control(orders);
    }

    @Override
    public void close() {
        running = false;
        heartbeat.close();
        control().close();
        flags.close();
        flagStore.close();
    }
}
