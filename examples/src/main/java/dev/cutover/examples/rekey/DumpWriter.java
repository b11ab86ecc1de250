package dev.cutover.examples.rekey;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.replication.dynamodb.DynamoDbJson;
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
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DumpWriter() {}

    /** Scans {@code table} (consistent reads) into {@code file}; returns the lines written. */
    static long write(DynamoDbClient dynamoDb, String table, Path file, AtomicLong lines) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse page = dynamoDb.scan(s -> s.tableName(table)
                        .consistentRead(true)
                        .limit(500) // short calls
                        .exclusiveStartKey(from));
                for (Map<String, AttributeValue> item : page.items()) {
                    out.write(MAPPER.writeValueAsString(
                            DynamoDbJson.toExportLine(item))); // JSON escapes the invisible characters of the ids
                    out.write('\n');
                    lines.incrementAndGet();
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
        }
        return lines.get();
    }
}
