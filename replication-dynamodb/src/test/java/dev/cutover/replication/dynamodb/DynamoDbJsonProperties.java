package dev.cutover.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.ndjson.NdjsonSource;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.testsupport.LocalDynamoDb;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Payloads survive the new table value for value: any JSON tree written through the target reads
 * back equal, numbers by value (an integral double comes back as an integer).
 */
class DynamoDbJsonProperties {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String TABLE = "json-round-trip";
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static final DynamoDbVersionedTarget TARGET;

    static {
        TARGET = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE).build();
        TARGET.createTableIfMissing();
    }

    @Provide
    Arbitrary<JsonNode> trees() {
        Arbitrary<JsonNode> leaves = Arbitraries.oneOf(List.of(
                Arbitraries.strings().ofMaxLength(20).map(JSON::textNode),
                Arbitraries.longs().map(JSON::numberNode),
                Arbitraries.doubles().between(-1e12, 1e12).ofScale(4).map(d -> JSON.numberNode(d.doubleValue())),
                Arbitraries.bigDecimals()
                        .between(new BigDecimal("-1e30"), new BigDecimal("1e30"))
                        .ofScale(6)
                        .map(JSON::numberNode),
                Arbitraries.of(true, false).map(JSON::booleanNode),
                Arbitraries.just(JSON.nullNode())));
        return Arbitraries.recursive(
                () -> leaves,
                inner -> Arbitraries.oneOf(List.of(
                        inner.list().ofMaxSize(4).map(DynamoDbJsonProperties::array),
                        Arbitraries.maps(
                                        Arbitraries.strings()
                                                .alpha()
                                                .ofMinLength(1)
                                                .ofMaxLength(8),
                                        inner)
                                .ofMaxSize(4)
                                .map(DynamoDbJsonProperties::object))),
                0,
                4);
    }

    private static JsonNode array(List<JsonNode> elements) {
        ArrayNode array = JSON.arrayNode();
        elements.forEach(array::add);
        return array;
    }

    private static JsonNode object(Map<String, JsonNode> fields) {
        ObjectNode object = JSON.objectNode();
        fields.forEach(object::set);
        return object;
    }

    @Property(tries = 60)
    void payloadsReadBackByValue(@ForAll("trees") JsonNode field) throws Exception {
        ObjectNode payload = JSON.objectNode();
        payload.set("field", field);
        String key = "k" + KEYS.incrementAndGet();
        TARGET.apply(List.of(Change.upsert(key, 1, payload)));
        JsonNode back = TARGET.read(key).orElseThrow().payload();
        assertThat(back).isEqualTo(DynamoDbJson.toJson(DynamoDbJson.toAttribute(payload)));
        assertThat(back.equals((a, b) -> sameValue(a, b) ? 0 : 1, payload))
                .as("%s read back as %s", payload, back)
                .isTrue();
    }

    /** A dump line written by {@code toExportLine} reads back, as NdjsonSource reads dumps, as the item. */
    @Property(tries = 200)
    void exportLinesReadBackAsTheItem(@ForAll("trees") JsonNode field) throws IOException {
        ObjectNode payload = JSON.objectNode();
        payload.put("id", "k" + KEYS.incrementAndGet());
        payload.set("field", field);
        Map<String, AttributeValue> item = DynamoDbJson.toItem(payload);
        ObjectNode line = DynamoDbJson.toExportLine(item);
        assertThat(line.fieldNames()).toIterable().containsExactly("Item");
        JsonNode read = readAsDump(line);
        JsonNode expected = DynamoDbJson.toJson(item);
        assertThat(read.equals((a, b) -> sameValue(a, b) ? 0 : 1, expected))
                .as("%s read as %s", line, read)
                .isTrue();
    }

    @Example
    void setsBinaryAndTypelessValuesInExportLines() {
        Map<String, AttributeValue> item = Map.of(
                "b", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")),
                "ss", AttributeValue.fromSs(List.of("x", "y")),
                "ns", AttributeValue.fromNs(List.of("1", "2.5")),
                "bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("a"))));
        ObjectNode typed = (ObjectNode) DynamoDbJson.toExportLine(item).get("Item");
        assertThat(typed.get("b").get("B").asText()).isEqualTo("aGk=");
        assertThat(typed.get("ss").get("SS")).hasSize(2);
        assertThat(typed.get("ns").get("NS").get(1).asText()).isEqualTo("2.5");
        assertThat(typed.get("bs").get("BS").get(0).asText()).isEqualTo("YQ==");
        Map<String, AttributeValue> typeless = Map.of(
                "m", AttributeValue.fromM(Map.of("x", AttributeValue.builder().build())));
        assertThatThrownBy(() -> DynamoDbJson.toExportLine(typeless))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m.x");
    }

    /** The item of {@code line}, read by an {@link NdjsonSource} from a dump of that one line. */
    private static JsonNode readAsDump(ObjectNode line) throws IOException {
        Path dump = Files.createTempFile("export-line", ".json");
        try {
            Files.writeString(dump, line + "\n");
            NdjsonSource source = NdjsonSource.builder(dump)
                    .format(NdjsonSource.Format.DYNAMODB_JSON)
                    .keyField("id")
                    .versionExtractor(item -> 1)
                    .segments(1)
                    .build();
            SegmentedSource.Page page = source.readPage(0, null, 10);
            assertThat(page.rejected()).isEmpty();
            assertThat(page.rows()).hasSize(1);
            return page.rows().get(0).payload();
        } finally {
            Files.delete(dump);
        }
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
