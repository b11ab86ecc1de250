package dev.cutover.examples.rekey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Writes a table as the backups of the seed story hold it (a Data Pipeline or S3 export): one
 * {@code {"Item": {...}}} of typed DynamoDB JSON per line, {@code {"id": {"S": "order-1"}}}. The
 * migration seeds the new table from this file, which can be fixed up and replayed locally,
 * instead of scanning the live table.
 */
final class DumpWriter {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DumpWriter() {}

  /** Scans {@code table} (consistent reads) into {@code file}; returns the lines written. */
  static long write(DynamoDbClient dynamoDb, String table, Path file, AtomicLong lines) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      Map<String, AttributeValue> start = null;
      do {
        Map<String, AttributeValue> from = start;
        ScanResponse page = dynamoDb.scan(s -> s.tableName(table).consistentRead(true).limit(500) // short calls
            .exclusiveStartKey(from));
        for (Map<String, AttributeValue> item : page.items()) {
          ObjectNode line = JSON.objectNode();
          ObjectNode typed = line.putObject("Item");
          item.forEach((attribute, value) -> typed.set(attribute, typed(value)));
          out.write(MAPPER.writeValueAsString(line)); // JSON escapes the invisible characters of the ids
          out.write('\n');
          lines.incrementAndGet();
        }
        start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      } while (start != null);
    }
    return lines.get();
  }

  /** One value in typed JSON, for the types a table of this shape holds. */
  private static JsonNode typed(AttributeValue v) {
    ObjectNode o = JSON.objectNode();
    if (v.s() != null) {
      o.put("S", v.s());
    } else if (v.n() != null) {
      o.put("N", v.n());
    } else if (v.bool() != null) {
      o.put("BOOL", v.bool());
    } else if (Boolean.TRUE.equals(v.nul())) {
      o.put("NULL", true);
    } else if (v.hasM()) {
      ObjectNode m = o.putObject("M");
      v.m().forEach((k, x) -> m.set(k, typed(x)));
    } else if (v.hasL()) {
      ArrayNode l = o.putArray("L");
      v.l().forEach(x -> l.add(typed(x)));
    } else {
      throw new IllegalArgumentException("an attribute type the dump does not write: " + v);
    }
    return o;
  }
}
