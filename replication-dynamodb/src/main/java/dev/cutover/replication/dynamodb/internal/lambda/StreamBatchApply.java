package dev.cutover.replication.dynamodb.internal.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.replication.Change;
import dev.cutover.replication.dynamodb.ItemKey;
import dev.cutover.replication.dynamodb.ItemVersion;
import dev.cutover.replication.dynamodb.internal.RecordChanges;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * One Lambda batch of stream records (one shard's, in its order) into a versioned target, settling
 * each record as applied, refused for good, or not yet done, and naming the first record not done.
 *
 * <p>Design. Lambda resumes a shard from the sequence number reported as failed, so every record
 * before it must be settled: applied, or refused and recorded. The target's batch apply says
 * nothing about which changes of a failed batch landed ({@link VersionedTarget#apply} throws for
 * the batch), so:
 *
 * <ol>
 *   <li>every record is mapped to a change; one that cannot be is refused (see {@link
 *       RecordRefusals});
 *   <li>the changes go to the target as one batch (the DynamoDB target writes them in parallel);
 *       if that returns, every change is settled;
 *   <li>if it throws, the changes are applied again one at a time, in record order: a change the
 *       target refuses ({@link IllegalArgumentException}: it can never be stored) is refused
 *       alone, and the first change that fails otherwise is the first failed record. Its record
 *       and every record after it are left to Lambda's redelivery; the changes of the failed batch
 *       that landed come again then, and the versioned apply answers {@code DUPLICATE};
 *   <li>the refused records before the first failed one are logged and journaled, in order; one
 *       the journal does not take becomes the first failed record instead, so that nothing is
 *       skipped unrecorded.
 * </ol>
 *
 * A record whose change landed but after which an earlier one failed is applied again on
 * redelivery, which the versioned apply absorbs. Thread-safe; holds no state per batch.
 */
public final class StreamBatchApply {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBatchApply.class);

    private final String name;
    private final VersionedTarget target;
    private final ItemKey key;
    private final ItemVersion version;
    private final RecordChanges mapping;
    private final RecordRefusals refusals;
    private final HandlerCounters counters;

    /**
     * @param name the handler's name: log lines, journal entries
     * @param journal where refused records are journaled; null: logged only
     */
    public StreamBatchApply(
            String name,
            VersionedTarget target,
            ItemKey key,
            ItemVersion version,
            Function<Map<String, AttributeValue>, JsonNode> payload,
            @Nullable FailedWriteJournal journal,
            Clock clock,
            HandlerCounters counters) {
        this.name = name;
        this.target = target;
        this.key = key;
        this.version = version;
        this.mapping = new RecordChanges(key, version, payload, name);
        this.refusals = new RecordRefusals(name, journal, clock);
        this.counters = counters;
    }

    /** A record and its change. */
    private record Pending(int index, DynamodbStreamRecord record, Change change) {}

    /**
     * Applies {@code records}.
     *
     * @return the sequence number of the first record not settled, for Lambda to resume from; null
     *     when every record is settled
     * @throws IllegalStateException when the stream's view type lacks the images the mapping needs
     */
    public @Nullable String handle(List<DynamodbStreamRecord> records) {
        counters.invocations.increment();
        counters.records.add(records.size());
        checkViewTypes(records);
        List<Pending> pending = new ArrayList<>(records.size());
        List<RefusedRecord> refused = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            DynamodbStreamRecord r = records.get(i);
            if (r == null) {
                LOG.error("{}: record {} of {} in the batch is null: nothing to apply", name, i, records.size());
                continue;
            }
            try {
                pending.add(new Pending(i, r, mapping.change(LambdaRecords.toSdk(r))));
            } catch (RuntimeException e) {
                refused.add(new RefusedRecord(i, r, keyOrNull(r), reason(e)));
            }
        }
        int failedAt = apply(pending, refused, records.size());
        refused.sort(Comparator.comparingInt(RefusedRecord::index));
        for (RefusedRecord r : refused) {
            if (r.index() >= failedAt) {
                break; // delivered again, and refused then
            }
            if (!refusals.record(r)) {
                failedAt = r.index();
                break;
            }
            counters.refused.increment();
        }
        if (failedAt == records.size()) {
            return null;
        }
        counters.failed.increment();
        return reportable(records, failedAt);
    }

    /** The index of the first record whose change failed, or {@code none}. */
    private int apply(List<Pending> pending, List<RefusedRecord> refused, int none) {
        if (pending.isEmpty()) {
            return none;
        }
        List<Change> changes = new ArrayList<>(pending.size());
        pending.forEach(p -> changes.add(p.change()));
        try {
            checked(target.apply(changes), changes.size()).forEach(counters::count);
            return none;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return pending.get(0).index();
        } catch (Exception e) {
            LOG.warn(
                    "{}: a batch of {} changes failed ({}); applying them one at a time, in order, to find the first"
                            + " failed record",
                    name,
                    changes.size(),
                    e.toString());
        }
        for (Pending p : pending) {
            try {
                counters.count(checked(target.apply(List.of(p.change())), 1).get(0));
            } catch (IllegalArgumentException e) {
                refused.add(new RefusedRecord(
                        p.index(),
                        p.record(),
                        p.change().key(),
                        "the target refused " + p.change() + ": " + reason(e)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return p.index();
            } catch (Exception e) {
                LOG.warn(
                        "{}: record {} ({}) failed and is reported, so Lambda delivers it and the records after it"
                                + " again: {}",
                        name,
                        LambdaRecords.sequenceNumber(p.record()),
                        p.change(),
                        e.toString());
                return p.index();
            }
        }
        return none;
    }

    /** The outcomes, if the target kept its contract (one non-null outcome per change). */
    private List<ApplyOutcome> checked(@Nullable List<ApplyOutcome> outcomes, int changes) {
        if (outcomes == null || outcomes.size() != changes || outcomes.stream().anyMatch(o -> o == null)) {
            throw new IllegalStateException(target.describe() + " returned "
                    + (outcomes == null ? "null" : outcomes.size() + " outcomes") + " for " + changes
                    + " changes: a VersionedTarget returns one per change");
        }
        return outcomes;
    }

    /** The change key of a refused record, when the key mapping can make one. */
    private @Nullable String keyOrNull(DynamodbStreamRecord r) {
        try {
            return key.of(LambdaRecords.toSdk(r).dynamodb().keys());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String reason(RuntimeException e) {
        return e instanceof IllegalArgumentException && e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * The sequence number Lambda resumes from: the failed record's, or, for a record without one, the
     * nearest earlier one's (resuming earlier is always safe); empty, which fails the whole batch,
     * when none has one.
     */
    private static String reportable(List<DynamodbStreamRecord> records, int index) {
        for (int i = index; i >= 0; i--) {
            String sequence = records.get(i) == null ? null : LambdaRecords.sequenceNumber(records.get(i));
            if (sequence != null && !sequence.isEmpty()) {
                return sequence;
            }
        }
        return "";
    }

    /** Refuses a stream whose records lack the images that the version and payload are read from. */
    private void checkViewTypes(List<DynamodbStreamRecord> records) {
        for (DynamodbStreamRecord r : records) {
            String view = r == null || r.getDynamodb() == null
                    ? null
                    : r.getDynamodb().getStreamViewType();
            if (view == null) {
                continue;
            }
            StreamViewType type = StreamViewType.fromValue(view);
            boolean newImages = type == StreamViewType.NEW_IMAGE || type == StreamViewType.NEW_AND_OLD_IMAGES;
            if (!newImages || (version.needsOldImage() && type != StreamViewType.NEW_AND_OLD_IMAGES)) {
                throw new IllegalStateException(name + ": the stream has view type " + view + " but a version from "
                        + version + " needs "
                        + (version.needsOldImage() ? "NEW_AND_OLD_IMAGES" : "NEW_IMAGE or NEW_AND_OLD_IMAGES")
                        + "; change the table's stream");
            }
        }
    }
}
