package dev.cutover.flags.dynamodb.internal;

import static dev.cutover.flags.dynamodb.internal.FlagTable.n;
import static dev.cutover.flags.dynamodb.internal.FlagTable.s;

import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A flag write as one {@code TransactWriteItems}: the flag item conditioned on its expected version,
 * the head revision conditioned on the value just read, and the audit item, all or nothing, retried
 * through {@link WriteRetry#run} when the head moved, a transaction conflicted or DynamoDB throttled.
 * A failed version condition is a {@link FlagWriteConflictException} and is never retried.
 */
public final class FlagWriteTransaction {

    /** The flag item's current state as read before the transaction. */
    public record Current(long version, @Nullable String body) {}

    /** Builds the flag's own part of the transaction: a put, or an update that deletes. */
    @FunctionalInterface
    public interface FlagWrite {
        /** The flag item's write, given its state ({@code null}: none or a tombstone) and next version. */
        TransactWriteItem build(@Nullable Current current, long nextVersion);
    }

    private final FlagTable table;
    private final WriteRetry retry;

    /** Writes to {@code table}, retried by {@code retry}. */
    public FlagWriteTransaction(FlagTable table, WriteRetry retry) {
        this.table = table;
        this.retry = retry;
    }

    /** Writes flag {@code key} with its audit item, retrying as {@link WriteRetry#run} decides. */
    public void write(String key, long expectedVersion, AuditInfo audit, Instant now, FlagWrite flagWrite) {
        retry.run(key, () -> {
            attempt(key, expectedVersion, audit, now, flagWrite);
            return null;
        });
    }

    /**
     * One attempt: read the head and the flag, check the expected version, and write flag, head and
     * audit in one transaction. A lost race for the head throws {@link WriteRetry.Transient};
     * throttling and transaction conflicts are classified by {@link WriteRetry#run}.
     */
    private void attempt(String key, long expectedVersion, AuditInfo audit, Instant now, FlagWrite flagWrite) {
        DynamoDbClient dynamoDb = table.client();
        long revision = table.headRevisionConsistent();
        GetItemResponse r = dynamoDb.getItem(
                g -> g.tableName(table.name()).key(table.flagKey(key)).consistentRead(true));
        Current current = null;
        long lastVersion = 0;
        if (r.hasItem()) {
            lastVersion = Long.parseLong(r.item().get("version").n());
            AttributeValue deleted = r.item().get("deleted");
            if (deleted == null || !Boolean.TRUE.equals(deleted.bool())) {
                AttributeValue body = r.item().get("body");
                current = new Current(lastVersion, body == null ? null : body.s());
            }
        }
        long actual = current == null ? 0 : current.version;
        if (actual != expectedVersion) {
            throw new FlagWriteConflictException(key, expectedVersion, actual);
        }
        long next = revision + 1;
        long nextVersion = lastVersion + 1;
        TransactWriteItem flagItem = flagWrite.build(current, nextVersion);
        boolean deleting = flagItem.update() != null;
        Map<String, AttributeValue> auditItem = new HashMap<>();
        auditItem.put("pk", s(table.auditPartition(key)));
        auditItem.put("sk", s(String.format("%020d", next)));
        auditItem.put("version", n(deleting ? actual : nextVersion));
        auditItem.put("actor", s(audit.actor()));
        auditItem.put("reason", s(audit.reason()));
        if (current != null && current.body != null) {
            auditItem.put("before", s(current.body));
        }
        if (!deleting && flagItem.put() != null) {
            auditItem.put("after", flagItem.put().item().get("body"));
        }
        auditItem.put("at", n(now.toEpochMilli()));
        auditItem.put("revision", n(next));
        Map<String, AttributeValue> head = new HashMap<>(table.headKey());
        head.put("revision", n(next));
        TransactWriteItem headItem = TransactWriteItem.builder()
                .put(p -> p.tableName(table.name())
                        .item(head)
                        .conditionExpression(
                                revision == 0 ? "attribute_not_exists(revision) OR revision = :rev" : "revision = :rev")
                        .expressionAttributeValues(Map.of(":rev", n(revision))))
                .build();
        TransactWriteItem auditWrite = TransactWriteItem.builder()
                .put(p -> p.tableName(table.name()).item(auditItem).conditionExpression("attribute_not_exists(pk)"))
                .build();
        // one token per attempt: should the SDK resend this request after losing its response, DynamoDB
        // recognizes it instead of failing it on the conditions it already satisfied
        String token = UUID.randomUUID().toString();
        try {
            dynamoDb.transactWriteItems(
                    t -> t.transactItems(flagItem, headItem, auditWrite).clientRequestToken(token));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (failedCondition(reasons, 0)) {
                long now2 = table.get(key).map(RawFlag::version).orElse(0L);
                throw new FlagWriteConflictException(key, expectedVersion, now2);
            }
            if (failedCondition(reasons, 1) || failedCondition(reasons, 2)) {
                throw new WriteRetry.Transient(
                        WriteRetry.Cause.HEAD_MOVED,
                        "the head revision moved from " + revision + " while writing flag '" + key + "'",
                        e);
            }
            throw e;
        }
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int item) {
        return reasons.size() > item
                && "ConditionalCheckFailed".equals(reasons.get(item).code());
    }
}
