package dev.cutover.replication.dynamodb.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.dynamodb.ItemKey;
import dev.cutover.replication.dynamodb.ItemVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Stream records to changes: {@code INSERT} and {@code MODIFY} become an upsert of the new image,
 * {@code REMOVE} (a delete, or a TTL expiry) a delete. The key comes from the record's keys, the
 * version and the payload from its images. A record that cannot become a change is logged with
 * its shard, sequence number and raw key, counted, and left out: never silently dropped.
 */
public final class RecordChanges {
    private static final Logger LOG = LoggerFactory.getLogger(RecordChanges.class);

    private final ItemKey key;
    private final ItemVersion version;
    private final Function<Map<String, AttributeValue>, JsonNode> payload;
    private final String source;
    private final LongAdder rejected = new LongAdder();

    public RecordChanges(
            ItemKey key, ItemVersion version, Function<Map<String, AttributeValue>, JsonNode> payload, String source) {
        this.key = key;
        this.version = version;
        this.payload = payload;
        this.source = source;
    }

    /** The changes of {@code records}, in their order, without the rejected ones. */
    public List<Change> changes(String shardId, List<Record> records) {
        List<Change> changes = new ArrayList<>(records.size());
        for (Record r : records) {
            try {
                changes.add(change(r));
            } catch (RuntimeException e) {
                rejected.increment();
                StreamRecord d = r.dynamodb();
                LOG.error(
                        "{}: record {} of shard {} with key {} cannot become a change and is left out: {}",
                        source,
                        d == null ? "?" : d.sequenceNumber(),
                        shardId,
                        d == null || !d.hasKeys() ? "?" : rawKey(d.keys()),
                        e.toString());
            }
        }
        return changes;
    }

    /**
     * The change of one record.
     *
     * @throws RuntimeException (an {@link IllegalArgumentException} for a record of the wrong
     *     shape; whatever the key, version or payload mapping throws) when it cannot become one
     */
    public Change change(Record r) {
        StreamRecord d = Objects.requireNonNull(r.dynamodb(), "record has no dynamodb section");
        if (!d.hasKeys()) {
            throw new IllegalArgumentException("record has no keys");
        }
        String k = key.of(d.keys());
        if (r.eventName() == OperationType.REMOVE) {
            if (version.needsOldImage() && !d.hasOldImage()) {
                throw new IllegalArgumentException("REMOVE record has no old image to read the version from");
            }
            return Change.delete(k, version.ofDeletion(d.hasOldImage() ? d.oldImage() : Map.of()));
        }
        if (r.eventName() != OperationType.INSERT && r.eventName() != OperationType.MODIFY) {
            throw new IllegalArgumentException("unknown event " + r.eventNameAsString());
        }
        if (!d.hasNewImage()) {
            throw new IllegalArgumentException(r.eventName() + " record has no new image");
        }
        return Change.upsert(
                k, version.of(d.newImage()), Objects.requireNonNull(payload.apply(d.newImage()), "payload"));
    }

    /** A primary key as text for a log line. */
    public static String rawKey(Map<String, AttributeValue> keys) {
        StringBuilder text = new StringBuilder("{");
        keys.forEach((name, v) -> text.append(text.length() > 1 ? ", " : "")
                .append(name)
                .append('=')
                .append(v.s() != null ? v.s() : v.n() != null ? v.n() : String.valueOf(v.b())));
        return text.append('}').toString();
    }

    /** Records left out because they could not become a change. */
    public long rejected() {
        return rejected.sum();
    }
}
