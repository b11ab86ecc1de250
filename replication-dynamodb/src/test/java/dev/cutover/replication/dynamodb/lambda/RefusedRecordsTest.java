package dev.cutover.replication.dynamodb.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import dev.cutover.replication.dynamodb.ItemKey;
import dev.cutover.testsupport.FailingJournal;
import dev.cutover.testsupport.LocalDynamoDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Records that can never be applied (items without a usable version, a key the key mapping
 * rejects, an item too large for the new table) are refused alone, logged and journaled with
 * their key and sequence number, while the rest of the batch is applied; a journal that cannot
 * take the entry turns the refusal into a reported failure, so the record comes again instead
 * of being skipped unrecorded.
 */
class RefusedRecordsTest {
    /** Ids become keys through NFKC normalization, which rejects an id of invisible characters only. */
    private static final ItemKey NORMALIZED = item -> KeyNormalizer.nfkc().normalize(SourceTable.KEY.of(item));

    private static final String BIG = "big-1";

    /** Writes good orders with poison among them. */
    private static void writeWithPoison(SourceTable source) {
        Random random = new Random(41);
        for (int i = 0; i < 6; i++) {
            source.put("order-" + i, random);
        }
        source.putRaw(Map.of("id", AttributeValue.fromS("no-version"), "total", AttributeValue.fromN("3")));
        source.put("order-6", random);
        source.putRaw(Map.of("id", AttributeValue.fromS("text-version"), "version", AttributeValue.fromS("seven")));
        source.putRaw(Map.of("id", AttributeValue.fromS("zero-version"), "version", AttributeValue.fromN("0")));
        source.put("order-7", random);
        source.delete("no-version"); // a REMOVE whose old image has no version
        source.put("\u200B\u200D", random); // nothing left of the id once normalized
        // fits the old table (409,571 bytes); with the new table's attributes it is over 400 KB
        source.putRaw(Map.of(
                "id", AttributeValue.fromS(BIG),
                "version", AttributeValue.fromN("1"),
                "blob", AttributeValue.fromS("b".repeat(409_550))));
        for (int i = 8; i < 12; i++) {
            source.put("order-" + i, random);
        }
        source.delete("order-3");
    }

    private static DynamoDbVersionedTarget target() {
        DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(
                        LocalDynamoDb.client(), LocalDynamoDb.freshTable("orders-v2"))
                .segments(2)
                .build();
        target.createTableIfMissing();
        return target;
    }

    private static DynamoDbStreamsHandler handler(DynamoDbVersionedTarget target, FailingJournal<?> journal) {
        return DynamoDbStreamsHandler.builder(target)
                .key(NORMALIZED)
                .version(SourceTable.VERSION)
                .journal(journal)
                .name("orders-to-v2")
                .build();
    }

    /** The sequence numbers of the records of {@code batch} whose raw id is one of {@code ids}. */
    private static List<String> sequencesOf(List<DynamodbStreamRecord> batch, String... ids) {
        List<String> out = new ArrayList<>();
        for (DynamodbStreamRecord r : batch) {
            if (Arrays.asList(ids).contains(r.getDynamodb().getKeys().get("id").getS())) {
                out.add(r.getDynamodb().getSequenceNumber());
            }
        }
        return out;
    }

    @Test
    void poisonRecordsAreRefusedAloneAndJournaledWhileTheRestIsApplied() throws Exception {
        SourceTable source = new SourceTable("orders-poison", StreamViewType.NEW_AND_OLD_IMAGES);
        writeWithPoison(source);
        FailingJournal<InMemoryFailedWriteJournal> journal = new FailingJournal<>(new InMemoryFailedWriteJournal());
        try (DynamoDbVersionedTarget target = target()) {
            DynamoDbStreamsHandler handler = handler(target, journal);
            List<DynamodbStreamRecord> batch = source.records();

            assertThat(LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(batch), null)))
                    .isNull();

            List<String> poison = sequencesOf(batch, "no-version", "text-version", "zero-version", "\u200B\u200D", BIG);
            assertThat(poison).hasSize(6);
            assertThat(handler.counts().refused()).isEqualTo(poison.size());
            assertThat(handler.counts().failed()).isZero();
            Map<String, FailedWrite> pending = new HashMap<>();
            for (JournalEntry e : journal.delegate.pending()) {
                pending.put(String.valueOf(e.write().entityKey()), e.write());
            }
            assertThat(pending)
                    .as("one pending entry per key (the REMOVE of no-version replaced its put's)")
                    .containsOnlyKeys("no-version", "text-version", "zero-version", BIG, "null");
            assertThat(pending.values()).allSatisfy(w -> {
                assertThat(w.repository()).isEqualTo("orders-to-v2");
                assertThat(w.method()).isEqualTo("lambda");
                assertThat(w.target()).isEqualTo(FailedWrite.Target.NEW);
            });
            String journaledDetails =
                    pending.values().stream().map(FailedWrite::detail).collect(Collectors.joining("\n"));
            for (String sequence : poison.subList(1, poison.size())) { // the first was replaced by the REMOVE's
                assertThat(journaledDetails).contains("stream record " + sequence + " (");
            }
            assertThat(pending.get("null").detail())
                    .as("the keyless entry names the raw key, its invisible characters escaped")
                    .contains("{id=\\u200B\\u200D}");
            assertThat(pending.get("text-version").detail()).contains("no number attribute 'version'");
            assertThat(pending.get(BIG).detail()).contains("the target refused").contains("400 KB");
            assertThat(pending.get("no-version").detail()).contains("(REMOVE)");

            // the rest is applied: the reconciliation finds only what was refused
            ReconciliationReport report = Reconciler.between(source.scan(), target)
                    .recheckAfter(Duration.ZERO)
                    .run();
            assertThat(report.missingInNew())
                    .as("the live items refused, as journaled")
                    .extracting(ReconciliationReport.Discrepancy::key)
                    .containsExactlyInAnyOrder(BIG, "\u200B\u200D");
            assertThat(report.extraInNew()).isEmpty();
            assertThat(report.different()).isEmpty();
            assertThat(report.rejected())
                    .as("the old table's own malformed items, which no path can migrate")
                    .extracting(ReconciliationReport.Rejection::key)
                    .containsExactlyInAnyOrder("text-version", "zero-version");
            assertThat(report.counts().oldRows()).isEqualTo(13); // order-0..11 but order-3, the two refused
        }
    }

    @Test
    void aRefusedRecordTheJournalCannotTakeIsReportedFailedAndComesAgain() throws Exception {
        SourceTable source = new SourceTable("orders-poison", StreamViewType.NEW_AND_OLD_IMAGES);
        writeWithPoison(source);
        FailingJournal<InMemoryFailedWriteJournal> journal = new FailingJournal<>(new InMemoryFailedWriteJournal());
        journal.down.set(true);
        try (DynamoDbVersionedTarget target = target()) {
            DynamoDbStreamsHandler handler = handler(target, journal);
            List<DynamodbStreamRecord> batch = source.records();

            String reported = LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(batch), null));

            String firstPoison = sequencesOf(batch, "no-version").get(0);
            assertThat(reported).isEqualTo(firstPoison);
            assertThat(handler.counts().refused()).isZero();
            assertThat(target.read("order-5"))
                    .as("the records before it are applied")
                    .isPresent();

            journal.down.set(false);
            List<DynamodbStreamRecord> redelivered = LambdaEvents.from(batch, reported);
            assertThat(LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(redelivered), null)))
                    .isNull();
            assertThat(handler.counts().refused()).isEqualTo(6);
            assertThat(journal.delegate.pendingCount()).isEqualTo(5);
            assertThat(target.read("order-11")).isPresent();
            assertThat(target.read("order-3").orElseThrow().isDelete()).isTrue();
        }
    }
}
