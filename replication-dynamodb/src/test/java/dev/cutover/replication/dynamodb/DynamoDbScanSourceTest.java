package dev.cutover.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillRejection;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.SourceRejection;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.testsupport.LocalDynamoDb;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** An old table read as parallel-scan segments: partition, versions, rejections, tokens. */
class DynamoDbScanSourceTest {
    private static OldTable old;

    @BeforeAll
    static void fill() {
        old = new OldTable(LocalDynamoDb.freshTable("scan-old"), StreamViewType.NEW_AND_OLD_IMAGES);
        for (int i = 0; i < 45; i++) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("id", AttributeValue.fromS(OldTable.dirty(i)));
            item.put("version", AttributeValue.fromN(Integer.toString(i + 1)));
            item.put("name", AttributeValue.fromS("n" + i));
            old.dynamoDb.putItem(p -> p.tableName(old.name).item(item));
        }
        for (int i = 0; i < 3; i++) { // no version: rejected, with their key in the log
            String id = "unversioned-" + i;
            old.dynamoDb.putItem(p -> p.tableName(old.name).item(Map.of("id", AttributeValue.fromS(id))));
        }
    }

    private static List<Change> readAll(DynamoDbScanSource source, int limit) {
        List<Change> all = new ArrayList<>();
        for (int segment = 0; segment < source.segments(); segment++) {
            String token = null;
            do {
                Page page = source.readPage(segment, token, limit);
                assertThat(page.rows().size()).isLessThanOrEqualTo(limit);
                all.addAll(page.rows());
                token = page.next();
            } while (token != null);
        }
        return all;
    }

    @Test
    void segmentsPartitionTheItemsAndUnversionedItemsAreRejectedAndCounted() {
        for (int limit : new int[] {1, 4, 100}) {
            DynamoDbScanSource source = DynamoDbScanSource.builder(old.dynamoDb, old.name)
                    .key(OldTable.KEY)
                    .version(ItemVersion.attribute("version"))
                    .segments(3)
                    .build();
            List<Change> all = readAll(source, limit);
            assertThat(all).hasSize(45);
            assertThat(all.stream().map(Change::key).distinct().count()).isEqualTo(45);
            Change first = all.stream()
                    .filter(c -> c.key().equals("order-0"))
                    .findFirst()
                    .orElseThrow();
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.payload().get("name").asText()).isEqualTo("n0");
            assertThat(source.rejected()).as("limit %d", limit).isEqualTo(3);
        }
    }

    @Test
    void unversionedItemsAreInTheirPagesAndTheBackfillCountsAndListsThem() throws Exception {
        DynamoDbScanSource source = DynamoDbScanSource.builder(old.dynamoDb, old.name)
                .key(OldTable.KEY)
                .version(ItemVersion.attribute("version"))
                .segments(3)
                .build();
        List<SourceRejection> rejected = new ArrayList<>();
        for (int segment = 0; segment < source.segments(); segment++) {
            String token = null;
            do {
                Page page = source.readPage(segment, token, 4);
                assertThat(page.read()).isLessThanOrEqualTo(4);
                rejected.addAll(page.rejected());
                token = page.next();
            } while (token != null);
        }
        assertThat(rejected)
                .extracting(SourceRejection::key)
                .containsExactlyInAnyOrder("unversioned-0", "unversioned-1", "unversioned-2");
        assertThat(rejected)
                .allSatisfy(
                        r -> assertThat(r.reason()).contains("id=unversioned-").contains("version"));

        BackfillResult result = Backfill.from(source)
                .to(new InMemoryVersionedTarget())
                .name("scan")
                .batchSize(5)
                .build()
                .run();
        assertThat(result.counts().read()).isEqualTo(48);
        assertThat(result.counts().applied()).isEqualTo(45);
        assertThat(result.counts().rejected()).isEqualTo(3);
        assertThat(result.rejections())
                .extracting(BackfillRejection::key)
                .containsExactlyInAnyOrder("unversioned-0", "unversioned-1", "unversioned-2");
        assertThat(result.rejections()).extracting(BackfillRejection::step).containsOnly(BackfillRejection.Step.SOURCE);
    }

    @Test
    void stampedVersionsGrowAcrossReads() {
        HybridLogicalClock clock = new HybridLogicalClock();
        DynamoDbScanSource source = DynamoDbScanSource.builder(old.dynamoDb, old.name)
                .key(OldTable.KEY)
                .version(ItemVersion.stamped(clock))
                .segments(2)
                .build();
        List<Change> first = readAll(source, 10);
        List<Change> second = readAll(source, 10);
        assertThat(first).hasSize(48);
        long firstMax = first.stream().mapToLong(Change::version).max().orElseThrow();
        assertThat(second).allSatisfy(c -> assertThat(c.version()).isGreaterThan(firstMax));
    }

    @Test
    void theLayoutIsTheParallelScanOfTheSegmentCount() {
        DynamoDbScanSource three = DynamoDbScanSource.builder(old.dynamoDb, old.name)
                .key(OldTable.KEY)
                .version(ItemVersion.attribute("version"))
                .segments(3)
                .build();
        DynamoDbScanSource stamped = DynamoDbScanSource.builder(old.dynamoDb, old.name)
                .key(OldTable.KEY)
                .version(ItemVersion.stamped(new HybridLogicalClock()))
                .consistentRead(false)
                .segments(3)
                .build();
        assertThat(three.layout())
                .isEqualTo("dynamodb parallel scan, 3 segments")
                .isEqualTo(stamped.layout());
        assertThat(DynamoDbScanSource.builder(old.dynamoDb, old.name)
                        .key(OldTable.KEY)
                        .version(ItemVersion.attribute("version"))
                        .segments(4)
                        .build()
                        .layout())
                .isEqualTo("dynamodb parallel scan, 4 segments");
    }

    @Test
    void badTokensAndSettingsAreNamed() {
        DynamoDbScanSource source = DynamoDbScanSource.builder(old.dynamoDb, old.name)
                .key(OldTable.KEY)
                .version(ItemVersion.attribute("version"))
                .segments(2)
                .build();
        String token = source.readPage(0, null, 1).next();
        assertThatThrownBy(() -> source.readPage(1, token, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 0");
        assertThatThrownBy(() -> source.readPage(2, null, 5)).hasMessageContaining("but was 2");
        assertThatThrownBy(() -> source.readPage(0, "%%%", 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("%%%");
        String foreign = dev.cutover.replication.dynamodb.internal.ScanTokens.encode(
                0, Map.of("nope", AttributeValue.fromS("x")));
        assertThatThrownBy(() -> source.readPage(0, foreign, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(foreign);
        assertThatThrownBy(
                        () -> DynamoDbScanSource.builder(old.dynamoDb, old.name).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key(...) and version(...)");
    }
}
