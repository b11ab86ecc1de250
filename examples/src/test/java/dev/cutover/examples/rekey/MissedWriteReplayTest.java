package dev.cutover.examples.rekey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.replication.Change;
import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.dynamodb.DynamoDbJson;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The journal repair on DynamoDB Local: missed writes copied with their versions, newer ones kept. */
class MissedWriteReplayTest {
    private static final KeyNormalizer KEYS = KeyNormalizer.nfkc();

    @Test
    void theOldTableGetsTheWritesItMissedAndKeepsNewerOnes() throws Exception {
        try (EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.start();
                DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(dynamoDb.client(), "orders-v2")
                        .build()) {
            OldTable old = new OldTable(dynamoDb.client());
            old.create();
            target.createTableIfMissing();
            NewTable neu = new NewTable(target, KEYS);
            InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
            String stale = "order-000001\u200B";
            String deleted = "order-000002";
            String newer = "order-000003";
            String onlyOld = " order-000004";
            old.save(order(stale, 2));
            neu.save(order(stale, 3)); // the old table missed version 3
            old.save(order(deleted, 1));
            neu.delete(deleted, 2); // ... and this delete
            old.save(order(newer, 5));
            neu.save(order(newer, 4)); // the old table is ahead already: kept
            old.save(order(onlyOld, 1)); // the new table missed it
            for (String id : List.of(stale, deleted, newer)) {
                journal.append(missed(id, FailedWrite.Target.OLD));
            }
            journal.append(missed(onlyOld, FailedWrite.Target.NEW));

            MissedWriteReplay repair = new MissedWriteReplay(journal, old, target, KEYS);
            repair.run();

            assertThat(old.find(stale)).contains(order(stale, 3));
            assertThat(old.find(deleted)).isEmpty();
            assertThat(old.find(newer)).contains(order(newer, 5));
            assertThat(target.read("order-000004")).map(Change::version).contains(1L);
            assertThat(neu.find(onlyOld)).contains(order(onlyOld, 1));
            assertThat(repair.repaired()).isEqualTo(4);
            assertThat(journal.pendingCount()).isZero();
            assertThat(DynamoDbJson.toJson(order(stale, 3).toItem()))
                    .isEqualTo(target.read("order-000001").orElseThrow().payload());
        }
    }

    private static Order order(String id, long version) {
        return new Order(id, version, "customer-" + version, "open", 100 * version);
    }

    private static FailedWrite missed(String id, FailedWrite.Target target) {
        return new FailedWrite("Orders", "save", id, target, FailedWrite.Reason.SHED, "waited too long", Instant.now());
    }
}
