package dev.cutover.replication.dynamodb;

import dev.cutover.replication.dynamodb.internal.Calls;
import dev.cutover.replication.dynamodb.internal.TableSettings;
import dev.cutover.replication.dynamodb.internal.Tables;
import dev.cutover.replication.spi.ShardCheckpointStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A {@link ShardCheckpointStore} on a DynamoDB table, shared by every reader of a stream: each
 * step is one conditional {@code UpdateItem}, so two readers never both hold a shard.
 *
 * <pre>{@code
 * DynamoDbShardCheckpointStore checkpoints =
 *     DynamoDbShardCheckpointStore.builder(dynamoDb, "cutover-checkpoints").build();
 * checkpoints.createTableIfMissing();
 * }</pre>
 *
 * <p><b>Table layout</b>: string partition key {@code pk} holding {@link ShardCheckpointStore.Shard#id()}
 * (consumer, stream ARN and shard id); {@code owner} (S, absent when released), {@code leaseUntil}
 * (N, epoch ms), {@code sequenceNumber} (S, the last record delivered), {@code finished} (BOOL),
 * {@code updatedAt} (N, epoch ms). A lease is taken with the condition {@code
 * attribute_not_exists(pk) OR attribute_not_exists(owner) OR owner = :me OR leaseUntil < :now};
 * a checkpoint, a finish and a release with {@code owner = :me}. Throttled requests are retried
 * with backoff. Thread-safe.
 *
 * @since 0.1.0
 */
public final class DynamoDbShardCheckpointStore implements ShardCheckpointStore {
    private static final String PK = "pk";
    private static final Map<String, String> NAMES = Map.of(
            "#pk", PK, "#o", "owner", "#l", "leaseUntil", "#s", "sequenceNumber", "#f", "finished", "#u", "updatedAt");

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Calls calls;

    private DynamoDbShardCheckpointStore(TableSettings settings) {
        this.dynamoDb = settings.dynamoDb();
        this.table = settings.table();
        this.calls = new Calls(settings.throttling("dynamodb-checkpoints:" + table), "checkpoint table " + table);
    }

    /** Starts configuring a store on {@code table}. */
    public static Builder builder(DynamoDbClient dynamoDb, String table) {
        return new Builder(dynamoDb, table);
    }

    /** Creates the table if it does not exist (on-demand, no stream) and waits until it is active. */
    public void createTableIfMissing() {
        Tables.createIfMissing(dynamoDb, table, PK, false);
    }

    @Override
    public Optional<Checkpoint> lease(Shard shard, String owner, Instant now, Instant until) {
        Objects.requireNonNull(owner, "owner");
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":me", s(owner), ":now", n(now), ":until", n(until)));
        try {
            UpdateItemResponse r = update(
                    shard,
                    "lease",
                    "SET #o = :me, #l = :until, #u = :now",
                    "attribute_not_exists(#pk) OR attribute_not_exists(#o) OR #o = :me OR #l < :now",
                    values,
                    true);
            return Optional.of(checkpoint(r.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean checkpoint(Shard shard, String owner, String sequenceNumber, Instant until) {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        return owned(
                shard,
                "checkpoint",
                "SET #s = :seq, #l = :until, #u = :now",
                new HashMap<>(Map.of(
                        ":me", s(owner), ":seq", s(sequenceNumber), ":until", n(until), ":now", n(Instant.now()))));
    }

    @Override
    public boolean finish(Shard shard, String owner) {
        return owned(
                shard,
                "finish",
                "SET #f = :true, #u = :now",
                new HashMap<>(
                        Map.of(":me", s(owner), ":true", AttributeValue.fromBool(true), ":now", n(Instant.now()))));
    }

    @Override
    public void release(Shard shard, String owner) {
        owned(
                shard,
                "release",
                "REMOVE #o SET #l = :zero, #u = :now",
                new HashMap<>(Map.of(":me", s(owner), ":zero", n(Instant.EPOCH), ":now", n(Instant.now()))));
    }

    private boolean owned(Shard shard, String what, String update, Map<String, AttributeValue> values) {
        try {
            update(shard, what, update, "#o = :me", values, false);
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private UpdateItemResponse update(
            Shard shard,
            String what,
            String update,
            String condition,
            Map<String, AttributeValue> values,
            boolean returnNew) {
        Map<String, String> names = new HashMap<>();
        NAMES.forEach((k, v) -> {
            if (update.contains(k) || condition.contains(k)) {
                names.put(k, v);
            }
        });
        return calls.call(
                what + " of shard " + shard.id(),
                () -> dynamoDb.updateItem(u -> u.tableName(table)
                        .key(Map.of(PK, s(shard.id())))
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .returnValues(returnNew ? ReturnValue.ALL_NEW : ReturnValue.NONE)));
    }

    @Override
    public Optional<Checkpoint> read(Shard shard) {
        var r = calls.call(
                "read of shard " + shard.id(),
                () -> dynamoDb.getItem(
                        g -> g.tableName(table).key(Map.of(PK, s(shard.id()))).consistentRead(true)));
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(checkpoint(r.item())) : Optional.empty();
    }

    private static Checkpoint checkpoint(Map<String, AttributeValue> item) {
        AttributeValue seq = item.get("sequenceNumber");
        AttributeValue finished = item.get("finished");
        AttributeValue owner = item.get("owner");
        AttributeValue until = item.get("leaseUntil");
        return new Checkpoint(
                seq == null ? null : seq.s(),
                finished != null && Boolean.TRUE.equals(finished.bool()),
                owner == null ? null : owner.s(),
                until == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(until.n())));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(Instant at) {
        return AttributeValue.fromN(Long.toString(at.toEpochMilli()));
    }

    /**
     * Configures a {@link DynamoDbShardCheckpointStore}. Each setting is checked when set, naming a
     * bad value.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final TableSettings settings;

        private Builder(DynamoDbClient dynamoDb, String table) {
            this.settings = new TableSettings(dynamoDb, table);
        }

        /**
         * How often a request refused for capacity is attempted, the first included (default 8), and
         * the first wait (default 25 ms; each later one doubles, randomized by half, up to 5 s).
         */
        public Builder throttleRetry(int maxAttempts, java.time.Duration initialBackoff) {
            settings.throttleRetry(maxAttempts, initialBackoff);
            return this;
        }

        /** Builds the store; makes no call. */
        public DynamoDbShardCheckpointStore build() {
            return new DynamoDbShardCheckpointStore(settings);
        }
    }
}
