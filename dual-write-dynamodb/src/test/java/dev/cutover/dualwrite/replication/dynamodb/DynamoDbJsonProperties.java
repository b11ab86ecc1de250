package dev.cutover.dualwrite.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.dualwrite.replication.Change;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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
        Arbitraries.bigDecimals().between(new BigDecimal("-1e30"), new BigDecimal("1e30")).ofScale(6).map(JSON::numberNode),
        Arbitraries.of(true, false).map(JSON::booleanNode),
        Arbitraries.just(JSON.nullNode())));
    return Arbitraries.recursive(() -> leaves, inner -> Arbitraries.oneOf(List.of(
        inner.list().ofMaxSize(4).map(DynamoDbJsonProperties::array),
        Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), inner).ofMaxSize(4)
            .map(DynamoDbJsonProperties::object))), 0, 4);
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
    assertThat(back.equals((a, b) -> sameValue(a, b) ? 0 : 1, payload)).as("%s read back as %s", payload, back).isTrue();
  }

  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }
}
