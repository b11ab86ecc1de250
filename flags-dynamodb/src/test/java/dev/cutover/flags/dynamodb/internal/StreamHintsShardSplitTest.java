package dev.cutover.flags.dynamodb.internal;

import dev.cutover.flags.spi.ChangeHints;
import dev.cutover.testkit.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.SequenceNumberRange;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Shard splits, which DynamoDB Local does not produce on demand: a scripted stream closes its
 * shard and opens two children, and the reader must find the children and read them from the
 * start, so the write that landed in a child right after the split still becomes a hint.
 */
class StreamHintsShardSplitTest {

    /** A stream whose shards and records the test scripts. */
    static final class ScriptedStream implements DynamoDbStreamsClient {
        final List<Shard> shards = new CopyOnWriteArrayList<>();
        final Map<String, ConcurrentLinkedQueue<Record>> records = new ConcurrentHashMap<>();
        final Map<String, Boolean> closed = new ConcurrentHashMap<>();

        void open(String shardId, String parent) {
            records.put(shardId, new ConcurrentLinkedQueue<>());
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

        void write(String shardId, String pk) {
            records.get(shardId)
                    .add(Record.builder()
                            .dynamodb(StreamRecord.builder()
                                    .keys(Map.of("pk", AttributeValue.fromS(pk)))
                                    .build())
                            .build());
        }

        @Override
        public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
            return DescribeStreamResponse.builder()
                    .streamDescription(d -> d.streamArn(request.streamArn()).shards(new ArrayList<>(shards)))
                    .build();
        }

        @Override
        public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
            String shard = request.shardId();
            if (request.shardIteratorTypeAsString().equals("LATEST")) {
                records.get(shard).clear(); // LATEST: nothing written before now
            }
            return GetShardIteratorResponse.builder().shardIterator(shard).build();
        }

        @Override
        public GetRecordsResponse getRecords(GetRecordsRequest request) {
            String shard = request.shardIterator();
            List<Record> batch = new ArrayList<>();
            Record r;
            while ((r = records.get(shard).poll()) != null) {
                batch.add(r);
            }
            boolean done =
                    closed.getOrDefault(shard, false) && records.get(shard).isEmpty();
            return GetRecordsResponse.builder()
                    .records(batch)
                    .nextShardIterator(done ? null : shard)
                    .build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    @Test
    void childrenOfASplitAreFoundAndReadFromTheirStart() {
        ScriptedStream stream = new ScriptedStream();
        stream.open("shard-a", null);
        AtomicInteger hints = new AtomicInteger();
        ChangeHints subscribers = new ChangeHints("test");
        subscribers.add(hints::incrementAndGet);
        try (StreamHints reader = new StreamHints(
                stream,
                "arn:stream",
                "prod#head",
                Duration.ofMillis(10),
                Duration.ofMillis(100),
                "test",
                subscribers)) {
            reader.start();
            Eventually.within(Duration.ofSeconds(10), "start hint", () -> hints.get() == 1);
            stream.write("shard-a", "prod#head");
            Eventually.within(Duration.ofSeconds(10), "hint from the open shard", () -> hints.get() == 2);
            stream.write("shard-a", "other#head"); // another prefix's writes are not hints
            // the split: a closes, b and c open, and a write lands in b before the reader looks
            stream.open("shard-b", "shard-a");
            stream.open("shard-c", "shard-a");
            stream.write("shard-b", "prod#head");
            stream.close("shard-a");
            Eventually.within(Duration.ofSeconds(10), "hint from the child shard", () -> hints.get() == 3);
            stream.write("shard-c", "prod#head");
            Eventually.within(Duration.ofSeconds(10), "hint from the other child", () -> hints.get() == 4);
        }
    }
}
