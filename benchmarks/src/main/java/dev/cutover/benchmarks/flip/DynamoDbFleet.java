package dev.cutover.benchmarks.flip;

import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.cutover.benchmarks.flip.CountingDynamoDb.Call;
import dev.cutover.benchmarks.flip.CountingDynamoDb.Counts;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The instances of one set on DynamoDB Local: each a {@link FlagClient} over its own {@link
 * DynamoDbFlagStore} on the one table, over its own {@link CountingDynamoDb}: its own {@code
 * DynamoDbClient} and, with push, its own {@code DynamoDbStreamsClient}, each a counting proxy over
 * the in-process client DynamoDB Local hands out. Poll only: no streams client, so {@code
 * subscribe} returns {@code Subscription.NONE}.
 */
final class DynamoDbFleet extends Fleet<Counts> {

    private final AmazonDynamoDBLocal local;
    private final Duration streamPollInterval;
    private final List<CountingDynamoDb> counters = new ArrayList<>();
    private final List<DynamoDbFlagStore> stores = new ArrayList<>();

    private DynamoDbFleet(AmazonDynamoDBLocal local, Mode mode, Duration pollInterval, Duration streamPollInterval) {
        super(mode, pollInterval);
        this.local = local;
        this.streamPollInterval = streamPollInterval;
    }

    /**
     * Starts {@code n} instances and waits until each serves the current value and, with push,
     * reads the stream and has made the head check its reader's first hint asks for.
     */
    static DynamoDbFleet start(
            AmazonDynamoDBLocal local,
            Mode mode,
            int n,
            Duration pollInterval,
            Duration streamPollInterval,
            Writer writer,
            PrintStream log)
            throws Exception {
        DynamoDbFleet fleet = new DynamoDbFleet(local, mode, pollInterval, streamPollInterval);
        fleet.start(n, writer, log);
        return fleet;
    }

    @Override
    FlagClient newInstance(int i) {
        CountingDynamoDb counting = new CountingDynamoDb();
        counters.add(counting);
        DynamoDbFlagStore.Builder builder =
                DynamoDbFlagStore.builder(counting.dynamoDb(local.dynamoDbClient()), DynamoDbFlipPropagation.TABLE);
        if (mode == Mode.PUSH) {
            builder.streams(counting.streams(local.dynamoDbStreamsClient())).streamPollInterval(streamPollInterval);
        }
        DynamoDbFlagStore store = builder.build();
        stores.add(store);
        return FlagClient.builder(store).pollInterval(pollInterval).build();
    }

    /**
     * Whether the instance is done with its reader's start. The reader opens its shard iterators
     * from {@code LATEST} and then sends one hint, which the client answers with a head check: its
     * second {@code GetItem}, after the first load's.
     */
    @Override
    boolean pushing(int i) {
        CountingDynamoDb counts = counters.get(i);
        return counts.of(Call.GET_SHARD_ITERATOR) > 0 && counts.of(Call.GET_ITEM) >= 2;
    }

    @Override
    String notPushing() {
        return "have not started reading the stream";
    }

    @Override
    Counts counts(int i) {
        return counters.get(i).counts();
    }

    @Override
    void closeStores() {
        for (DynamoDbFlagStore s : stores) {
            s.close();
        }
    }
}
