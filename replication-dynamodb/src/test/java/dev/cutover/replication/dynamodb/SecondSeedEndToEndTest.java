package dev.cutover.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.journal.RepairResult;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillCollision;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.KeyNormalizerCollisions;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.Repair;
import dev.cutover.replication.ndjson.NdjsonSource;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.LocalDynamoDb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The second seed story end to end on DynamoDB Local: an old table keyed by ids people typed and
 * pasted (zero-width characters, stray whitespace, full-width and ligature forms, a decomposed
 * accent, and two ids that normalize to one key) is dumped as an S3 export; the dump seeds the new
 * table through a {@link Backfill} from an {@link NdjsonSource} with NFKC key normalization into a
 * {@link DynamoDbVersionedTarget}, while live writes and deletes on the old table reach the new
 * one through a {@link DynamoDbStreamReader} under the same normalization. The colliding pair is
 * reported by the backfill (exactly that pair, one applied), by the stream path's {@link
 * KeyNormalizerCollisions} and by reconciliation; apart from it, a {@link Reconciler} between the
 * old table (a {@link DynamoDbScanSource}, keys normalized by its transform) and the new one finds
 * nothing. Then drift made behind the replication's back (a new item deleted, one added) is
 * reported in the new key space and repaired from the old table through the same transform.
 */
class SecondSeedEndToEndTest {
    private static final KeyNormalizer KEYS = KeyNormalizer.nfkc();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Ids as operators typed and pasted them, with the key each becomes. */
    private static final Map<String, String> DIRTY = new LinkedHashMap<>();

    static {
        DIRTY.put("order-1\u200B", "order-1"); // zero-width space
        DIRTY.put("  order-2 ", "order-2"); // stray whitespace
        DIRTY.put("\uFF4F\uFF52\uFF44\uFF45\uFF52-\uFF13", "order-3"); // full-width letters and digit
        DIRTY.put("order-4\u00A0", "order-4"); // trailing no-break space
        DIRTY.put("order\u2060-5", "order-5"); // word joiner
        DIRTY.put("order-6\t", "order-6"); // a tab pasted along
        DIRTY.put("\uFEFF\uFB01le-7", "file-7"); // byte order mark, fi ligature
        DIRTY.put("cafe\u0301-8", "caf\u00E9-8"); // decomposed accent
    }

    /** Two old ids that become one key: reported, never merged. */
    private static final String COLLIDING_FIRST = "order-9";

    private static final String COLLIDING_OTHER = "\uFF4F\uFF52\uFF44\uFF45\uFF52-\uFF19\u200D";

    @Test
    void aDirtyTableSeedsTheNewOneFromItsDumpWhileTheStreamMirrorsLiveWrites(@TempDir Path dir) throws Exception {
        DirtyOldTable old = new DirtyOldTable(LocalDynamoDb.freshTable("orders-dirty"));
        List<String> ids = new ArrayList<>(DIRTY.keySet());
        for (int i = 10; i < 40; i++) {
            ids.add(i % 4 == 0 ? " order-" + i + "\u200C" : "order-" + i);
        }
        Random random = new Random(2018);
        for (String id : ids) {
            old.put(id, random);
        }
        old.put(COLLIDING_FIRST, random);
        old.put(COLLIDING_OTHER, random);
        Path dump = dir.resolve("orders-2018-10-22.json");
        int dumped = old.dump(dump);

        List<String> liveIds = new ArrayList<>(ids); // the colliding pair stays as it is: a person decides
        for (int i = 0; i < 6; i++) {
            liveIds.add("new-order-" + i + (i % 2 == 0 ? "\u200B" : " "));
        }
        KeyNormalizerCollisions streamCollisions = KeyNormalizerCollisions.create(c -> {});
        ItemKey normalized = item -> {
            String id = ItemKey.attribute("id").of(item);
            String key = KEYS.normalize(id);
            streamCollisions.record(id, key);
            return key;
        };
        ConcurrentLinkedQueue<NdjsonSource.Rejection> rejected = new ConcurrentLinkedQueue<>();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        String newTable = LocalDynamoDb.freshTable("orders-v2");
        try (DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(old.dynamoDb, newTable)
                        .segments(3)
                        .build();
                DynamoDbStreamReader reader = DynamoDbStreamReader.builder(
                                LocalDynamoDb.streams(),
                                DynamoDbStreamReader.latestStreamArn(old.dynamoDb, old.name),
                                target::apply)
                        .key(normalized)
                        .version(ItemVersion.attribute("version"))
                        .consumer("orders-to-v2")
                        .pollInterval(Duration.ofMillis(20))
                        .describeEvery(Duration.ofMillis(500))
                        .lease(Duration.ofSeconds(5))
                        .build()) {
            target.createTableIfMissing();
            reader.start();
            NdjsonSource source = NdjsonSource.builder(dump)
                    .format(NdjsonSource.Format.DYNAMODB_JSON)
                    .keyField("id")
                    .versionField("version")
                    .segments(3)
                    .onRejection(rejected::add)
                    .build();
            Backfill backfill = Backfill.from(source)
                    .to(target)
                    .name("orders-v2")
                    .normalizeKeys(KEYS::normalize)
                    .batchSize(4)
                    .workers(2)
                    .rateLimit(60)
                    .build();
            AtomicBoolean backfilling = new AtomicBoolean(true);
            AtomicInteger liveWrites = new AtomicInteger();
            Future<?> live = writer.submit(() -> {
                Random r = new Random(1022);
                // writes and deletes all through the backfill, at most 400, so that the test stays short
                while (backfilling.get() && liveWrites.incrementAndGet() <= 400) {
                    String id = liveIds.get(r.nextInt(liveIds.size()));
                    if (r.nextInt(4) == 0) {
                        old.delete(id);
                    } else {
                        old.put(id, r);
                    }
                }
            });
            BackfillResult result;
            try {
                result = backfill.run();
            } finally {
                backfilling.set(false);
            }
            live.get();

            assertThat(result.status()).isEqualTo(BackfillResult.Status.COMPLETED);
            assertThat(result.counts().read()).isEqualTo(dumped);
            assertThat(result.counts().collisions()).isEqualTo(1);
            assertThat(result.collisions()).hasSize(1);
            BackfillCollision collision = result.collisions().get(0);
            assertThat(collision.newKey()).isEqualTo(COLLIDING_FIRST);
            assertThat(Set.of(collision.firstKey(), collision.collidingKey()))
                    .containsExactlyInAnyOrder(COLLIDING_FIRST, COLLIDING_OTHER);
            assertThat(result.counts().rejected()).isZero();
            assertThat(rejected).isEmpty();
            assertThat(liveWrites.get()).as("writes during the backfill").isGreaterThan(10);

            Eventually.within(
                    WAIT, "every stream record applied", () -> reader.counts().records() == old.streamRecords.get());
            assertThat(reader.counts().rejected()).isZero();
            assertThat(streamCollisions.collisionCount())
                    .as("the stream path saw the pair too")
                    .isEqualTo(1);

            Set<String> newKeys = liveKeys(target);
            assertThat(newKeys).allSatisfy(k -> assertThat(KEYS.normalize(k)).isEqualTo(k));
            assertThat(newKeys).contains(COLLIDING_FIRST);
            DynamoDbScanSource oldScan = DynamoDbScanSource.builder(old.dynamoDb, old.name)
                    .key(ItemKey.attribute("id"))
                    .version(ItemVersion.attribute("version"))
                    .segments(2)
                    .build();
            Set<String> oldKeys = new HashSet<>();
            for (Change row : rows(oldScan)) {
                oldKeys.add(KEYS.normalize(row.key()));
            }
            assertThat(newKeys).isEqualTo(oldKeys);
            for (Map.Entry<String, String> e : DIRTY.entrySet()) {
                assertThat(KEYS.normalize(e.getKey())).isEqualTo(e.getValue());
            }

            ReconciliationReport report = Reconciler.between(oldScan, target)
                    .transform(row -> Optional.of(KEYS.normalize(row)))
                    .recheckAfter(Duration.ZERO)
                    .run();
            assertThat(report.collisions())
                    .containsExactly(new ReconciliationReport.Collision(
                            COLLIDING_FIRST,
                            List.of(COLLIDING_FIRST, COLLIDING_OTHER).stream()
                                    .sorted()
                                    .toList()));
            assertThat(report.missingInNew()).as("missing in new: %s", report).isEmpty();
            assertThat(report.extraInNew()).as("extra in new").isEmpty();
            assertThat(report.different()).as("different").isEmpty();
            assertThat(report.errors()).isEmpty();
            assertThat(report.counts().collisions()).isEqualTo(1);

            // drift behind the replication's back, found and repaired in the new key space
            String lost = DIRTY.values().stream()
                    .filter(newKeys::contains)
                    .findFirst()
                    .orElseThrow();
            old.dynamoDb.deleteItem(d -> d.tableName(newTable).key(Map.of("pk", AttributeValue.fromS(lost))));
            target.apply(List.of(Change.upsert(
                    "ghost-1", 1, JsonNodeFactory.instance.objectNode().put("id", "ghost-1"))));
            ReconciliationReport drifted = Reconciler.between(oldScan, target)
                    .transform(row -> Optional.of(KEYS.normalize(row)))
                    .recheckAfter(Duration.ZERO)
                    .run();
            assertThat(drifted.missingInNew())
                    .extracting(ReconciliationReport.Discrepancy::key)
                    .containsExactly(lost);
            assertThat(drifted.extraInNew())
                    .extracting(ReconciliationReport.Discrepancy::key)
                    .containsExactly("ghost-1");
            RepairResult repaired = Repair.from(drifted)
                    .direction(Repair.Direction.OLD_TO_NEW)
                    .authority(id -> old.read(id))
                    .transform(row -> Optional.of(KEYS.normalize(row)))
                    .apply(target);
            assertThat(repaired.upserted()).as("%s", repaired).isEqualTo(1);
            assertThat(repaired.deleted()).isEqualTo(1);
            assertThat(repaired.failed() + repaired.keptNewer()).isZero();
            ReconciliationReport after = Reconciler.between(oldScan, target)
                    .transform(row -> Optional.of(KEYS.normalize(row)))
                    .recheckAfter(Duration.ZERO)
                    .run();
            assertThat(after.missingInNew().size()
                            + after.extraInNew().size()
                            + after.different().size())
                    .as("%s", after)
                    .isZero();
            assertThat(after.collisions()).isEqualTo(report.collisions());
        } finally {
            writer.shutdownNow();
        }
    }

    private static Set<String> liveKeys(DynamoDbVersionedTarget target) throws Exception {
        Set<String> keys = new HashSet<>();
        for (Change row : rows(target)) {
            if (!row.isDelete()) {
                keys.add(row.key());
            }
        }
        return keys;
    }

    private static List<Change> rows(SegmentedSource source) throws Exception {
        List<Change> rows = new ArrayList<>();
        for (int segment = 0; segment < source.segments(); segment++) {
            String token = null;
            do {
                Page page = source.readPage(segment, token, 25);
                rows.addAll(page.rows());
                token = page.next();
            } while (token != null);
        }
        return rows;
    }
}
