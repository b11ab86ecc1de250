package dev.cutover.replication.dynamodb.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.OperationType;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.replication.Change;
import dev.cutover.replication.dynamodb.DynamoDbJson;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import dev.cutover.testsupport.LocalDynamoDb;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Any stream history (puts, deletes, re-creates, poison records), cut into any batches, against a
 * target failing from any write for any number of writes (the failed writes lost, or landed with
 * the answer lost), delivered again from the reported sequence number as Lambda does: every
 * record before a reported one is applied or refused; stored versions never decrease and only
 * ever hold a state the history had at that version (so a deleted key never comes back at an
 * older version); the target ends on each key's last valid change; each poison record is refused
 * exactly once and journaled.
 */
class RedeliveryProperties {
    private static final String TABLE = "lambda-redelivery";
    private static final AtomicInteger TRIES = new AtomicInteger();

    static {
        DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE).build().createTableIfMissing();
    }

    /** A stream record and the change it makes (null for a poison record). */
    private record Step(
            DynamodbStreamRecord record, @Nullable Change change) {}

    @Property(tries = 60)
    void anyFailurePointAndRedeliveryConverges(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 40) int length,
            @ForAll @IntRange(min = 1, max = 15) int batchSize,
            @ForAll @IntRange(min = 0, max = 60) int faultFrom,
            @ForAll @IntRange(min = 1, max = 25) int faultLength,
            @ForAll boolean landsAnyway)
            throws Exception {
        List<Step> history = history(new Random(seed), length);
        Map<String, Change> valid = new HashMap<>(); // by key and version
        Map<String, Change> last = new HashMap<>();
        long poison = 0;
        for (Step s : history) {
            if (s.change() == null) {
                poison++;
            } else {
                valid.put(s.change().key() + "@" + s.change().version(), s.change());
                last.put(s.change().key(), s.change());
            }
        }
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        try (DynamoDbVersionedTarget table = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE)
                .keyPrefix("try-" + TRIES.incrementAndGet() + "/")
                .maxInFlight(4)
                .build()) {
            FaultyTarget target = new FaultyTarget(table, faultFrom, faultLength, landsAnyway);
            DynamoDbStreamsHandler handler = DynamoDbStreamsHandler.builder(target)
                    .key(SourceTable.KEY)
                    .version(SourceTable.VERSION)
                    .journal(journal)
                    .build();
            Map<String, Change> seen = new HashMap<>();
            for (int from = 0; from < history.size(); from += batchSize) {
                List<Step> batch = history.subList(from, Math.min(history.size(), from + batchSize));
                for (int delivery = 0; !batch.isEmpty(); delivery++) {
                    assertThat(delivery).as("deliveries of one batch").isLessThan(50);
                    String reported = LambdaEvents.failed(handler.handleRequest(
                            LambdaEvents.event(batch.stream().map(Step::record).toList()), null));
                    checkStored(table, seen, valid);
                    int resume = reported == null ? batch.size() : indexOf(batch, reported);
                    for (Step settled : batch.subList(0, resume)) {
                        Change c = settled.change();
                        if (c != null) {
                            assertThat(table.read(c.key()).map(Change::version).orElse(0L))
                                    .as("%s before the reported record %s", c, reported)
                                    .isGreaterThanOrEqualTo(c.version());
                        }
                    }
                    batch = batch.subList(resume, batch.size());
                }
            }
            for (Map.Entry<String, Change> e : last.entrySet()) {
                Change stored = table.read(e.getKey()).orElseThrow();
                assertThat(stored.version()).isEqualTo(e.getValue().version());
                assertThat(stored.kind()).isEqualTo(e.getValue().kind());
                assertThat(stored.payload()).isEqualTo(e.getValue().payload());
            }
            assertThat(handler.counts().refused()).isEqualTo(poison);
            Set<String> journaled = new HashSet<>();
            for (JournalEntry entry : journal.pending()) {
                journaled.add(entry.write().entityKey());
            }
            Set<String> poisoned = new HashSet<>();
            history.stream()
                    .filter(s -> s.change() == null)
                    .forEach(s -> poisoned.add(
                            s.record().getDynamodb().getKeys().get("id").getS()));
            assertThat(journaled).isEqualTo(poisoned);
        }
    }

    /** Every key's stored state: never an older version, and always a state the history had at its version. */
    private static void checkStored(DynamoDbVersionedTarget table, Map<String, Change> seen, Map<String, Change> valid)
            throws Exception {
        Set<String> keys = new HashSet<>();
        valid.values().forEach(c -> keys.add(c.key()));
        for (String key : keys) {
            Optional<Change> now = table.read(key);
            Change before = seen.get(key);
            if (now.isEmpty()) {
                assertThat(before).as("%s vanished", key).isNull();
                continue;
            }
            Change stored = now.get();
            assertThat(valid.get(key + "@" + stored.version()))
                    .as("%s holds a state of its history", key)
                    .isNotNull()
                    .extracting(Change::kind)
                    .isEqualTo(stored.kind());
            if (before != null) {
                assertThat(stored.version()).as("%s's version", key).isGreaterThanOrEqualTo(before.version());
            }
            seen.put(key, stored);
        }
    }

    private static int indexOf(List<Step> batch, String sequence) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).record().getDynamodb().getSequenceNumber().equals(sequence)) {
                return i;
            }
        }
        throw new AssertionError("reported " + sequence + ", which is not in the batch delivered");
    }

    /**
     * A table's stream: writes of 5 keys, versions counted per key (a delete takes the next one, as
     * the old image's plus one); one write in eight is poison, a put whose version is text.
     */
    private static List<Step> history(Random random, int length) {
        List<Step> steps = new ArrayList<>();
        Map<String, Long> versions = new HashMap<>();
        Map<String, Map<String, AttributeValue>> current = new HashMap<>();
        for (int i = 0; i < length; i++) {
            String id = "k" + random.nextInt(5);
            Map<String, AttributeValue> before = current.get(id);
            Map<String, AttributeValue> image = null;
            Change change;
            if (before != null && random.nextInt(4) == 0) {
                long version = versions.merge(id, 1L, Long::sum);
                change = before.get("version").n() == null ? null : Change.delete(id, version);
            } else {
                image = new LinkedHashMap<>();
                image.put("id", AttributeValue.fromS(id));
                if (random.nextInt(8) == 0) {
                    image.put("version", AttributeValue.fromS("not a number"));
                    change = null;
                } else {
                    long version = versions.merge(id, 1L, Long::sum);
                    image.put("version", AttributeValue.fromN(Long.toString(version)));
                    image.put("total", AttributeValue.fromN(random.nextInt(100_000) + ".0" + random.nextInt(10)));
                    change = Change.upsert(id, version, DynamoDbJson.toJson(image));
                }
            }
            current.put(id, image);
            steps.add(new Step(record(i, id, before, image), change));
        }
        return steps;
    }

    private static DynamodbStreamRecord record(
            int index,
            String id,
            @Nullable Map<String, AttributeValue> before,
            @Nullable Map<String, AttributeValue> after) {
        StreamRecord d = new StreamRecord();
        d.setSequenceNumber(String.format("%021d", 1000 + index));
        d.setStreamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
        d.setKeys(LambdaEvents.item(Map.of("id", AttributeValue.fromS(id))));
        d.setOldImage(before == null ? null : LambdaEvents.item(before));
        d.setNewImage(after == null ? null : LambdaEvents.item(after));
        DynamodbStreamRecord r = new DynamodbStreamRecord();
        r.setEventName(
                after == null ? OperationType.REMOVE : before == null ? OperationType.INSERT : OperationType.MODIFY);
        r.setDynamodb(d);
        return r;
    }
}
