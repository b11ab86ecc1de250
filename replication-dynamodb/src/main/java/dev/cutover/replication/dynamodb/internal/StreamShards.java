package dev.cutover.replication.dynamodb.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** What {@code DescribeStream} says about a stream: its shards with their parents, its view type. */
public final class StreamShards {
    private StreamShards() {}

    /** Every shard of the stream (all pages) and its parent shard id (null for none), in the order described. */
    public static Map<String, @Nullable String> describe(DynamoDbStreamsClient streams, String streamArn) {
        Map<String, @Nullable String> parents = new LinkedHashMap<>();
        String lastShard = null;
        do {
            String from = lastShard;
            StreamDescription d = streams.describeStream(
                            r -> r.streamArn(streamArn).exclusiveStartShardId(from))
                    .streamDescription();
            for (Shard shard : d.shards()) {
                parents.put(shard.shardId(), shard.parentShardId());
            }
            lastShard = d.lastEvaluatedShardId();
        } while (lastShard != null);
        return Collections.unmodifiableMap(parents);
    }

    /** The stream's view type. */
    public static StreamViewType viewType(DynamoDbStreamsClient streams, String streamArn) {
        return streams.describeStream(r -> r.streamArn(streamArn).limit(1))
                .streamDescription()
                .streamViewType();
    }
}
