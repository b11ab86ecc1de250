package dev.cutover.replication.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.SequenceNumberRange;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A stream whose shards and records a test scripts, for what DynamoDB Local does not produce on
 * demand: splits, closed shards, a parent still holding records when its children open. Records
 * stay in their shard (several readers can read them); an iterator is {@code shard:position}.
 * Describe pages hold two shards, so paging is exercised too.
 */
final class ScriptedStream implements DynamoDbStreamsClient {
    static final String ARN = "arn:aws:dynamodb:local:000000000000:table/scripted/stream/2026-01-01T00:00:00.000";
    private final List<Shard> shards = new CopyOnWriteArrayList<>();
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<String, Boolean> closed = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong(1000);
    final AtomicInteger getRecords = new AtomicInteger();

    void open(String shardId, String parent) {
        records.put(shardId, new CopyOnWriteArrayList<>());
        shards.add(Shard.builder()
                .shardId(shardId)
                .parentShardId(parent)
                .sequenceNumberRange(SequenceNumberRange.builder()
                        .startingSequenceNumber("1")
                        .build())
                .build());
    }

    void close(String shardId) {
        closed.put(shardId, true);
        shards.replaceAll(s -> s.shardId().equals(shardId)
                ? s.toBuilder()
                        .sequenceNumberRange(s.sequenceNumberRange().toBuilder()
                                .endingSequenceNumber("9")
                                .build())
                        .build()
                : s);
    }

    /** Appends a write of {@code key} at {@code version} (or its removal) to {@code shardId}. */
    void write(String shardId, String key, long version, boolean remove) {
        Map<String, AttributeValue> image =
                Map.of("id", AttributeValue.fromS(key), "version", AttributeValue.fromN(Long.toString(version)));
        StreamRecord.Builder d = StreamRecord.builder()
                .keys(Map.of("id", AttributeValue.fromS(key)))
                .sequenceNumber(String.format("%021d", sequence.incrementAndGet()));
        if (remove) {
            d.oldImage(Map.of(
                    "id", AttributeValue.fromS(key), "version", AttributeValue.fromN(Long.toString(version - 1))));
        } else {
            d.newImage(image);
        }
        records.get(shardId)
                .add(Record.builder()
                        .eventName(remove ? OperationType.REMOVE : OperationType.MODIFY)
                        .dynamodb(d.build())
                        .build());
    }

    @Override
    public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
        int from = 0;
        if (request.exclusiveStartShardId() != null) {
            for (int i = 0; i < shards.size(); i++) {
                if (shards.get(i).shardId().equals(request.exclusiveStartShardId())) {
                    from = i + 1;
                }
            }
        }
        List<Shard> page = new ArrayList<>(shards.subList(from, Math.min(shards.size(), from + 2)));
        String last = from + 2 < shards.size() ? page.get(page.size() - 1).shardId() : null;
        return DescribeStreamResponse.builder()
                .streamDescription(d -> d.streamArn(request.streamArn())
                        .shards(page)
                        .lastEvaluatedShardId(last)
                        .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES))
                .build();
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        String shard = request.shardId();
        List<Record> list = records.get(shard);
        int position = 0;
        if (request.shardIteratorType() == ShardIteratorType.AFTER_SEQUENCE_NUMBER) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).dynamodb().sequenceNumber().equals(request.sequenceNumber())) {
                    position = i + 1;
                }
            }
        } else if (request.shardIteratorType() != ShardIteratorType.TRIM_HORIZON) {
            throw new IllegalArgumentException("scripted stream supports TRIM_HORIZON and AFTER_SEQUENCE_NUMBER only");
        }
        return GetShardIteratorResponse.builder()
                .shardIterator(shard + ":" + position)
                .build();
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        getRecords.incrementAndGet();
        String[] parts = request.shardIterator().split(":");
        String shard = parts[0];
        int position = Integer.parseInt(parts[1]);
        List<Record> list = records.get(shard);
        int end = Math.min(list.size(), position + (request.limit() == null ? 1000 : request.limit()));
        List<Record> batch = new ArrayList<>(list.subList(position, end));
        boolean done = closed.getOrDefault(shard, false) && end == list.size();
        return GetRecordsResponse.builder()
                .records(batch)
                .nextShardIterator(done ? null : shard + ":" + end)
                .build();
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {}
}
