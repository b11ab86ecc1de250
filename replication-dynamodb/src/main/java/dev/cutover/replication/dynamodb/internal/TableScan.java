package dev.cutover.replication.dynamodb.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The paged scans of one table, for the scan source and the versioned target: a page of one
 * parallel-scan segment ({@code Segment}/{@code TotalSegments}), resumed from a {@link ScanTokens}
 * token and handing out the next one, and every page of a scan of the whole table, as the
 * tombstone purge reads. The caller adds what differs to each request (read consistency, filter,
 * projection). Every call goes through {@link Calls}: retried while throttled, a failure naming
 * the scan. Thread-safe.
 */
public final class TableScan {
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final int segments;
    private final Calls calls;
    private final String source;

    /**
     * One page of a segment.
     *
     * @param items the items read, in DynamoDB's order
     * @param next the token that resumes the segment after them, or null when the segment is done
     */
    public record SegmentPage(
            List<Map<String, AttributeValue>> items,
            @Nullable String next) {}

    /**
     * @param segments the parallel-scan segments a segment read divides the table into
     * @param source the reader, as messages name it (its {@code describe()})
     */
    public TableScan(DynamoDbClient dynamoDb, String table, int segments, Calls calls, String source) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.segments = segments;
        this.calls = calls;
        this.source = source;
    }

    /** The parallel-scan segments. */
    public int segments() {
        return segments;
    }

    /** {@code "dynamodb parallel scan, <n> segments"}: the layout of the segments, for checkpoints. */
    public String layout() {
        return "dynamodb parallel scan, " + segments + " segments";
    }

    /**
     * Up to {@code limit} items of {@code segment}, from its start when {@code token} is null; {@code
     * request} adds the caller's settings to the scan.
     *
     * @throws IllegalArgumentException naming a bad segment or limit, or a token the source did not
     *     issue for this segment (or that DynamoDB refuses as the start of a scan of this table)
     */
    public SegmentPage segmentPage(
            int segment, @Nullable String token, int limit, Consumer<ScanRequest.Builder> request) {
        checkPage(segment, limit);
        Map<String, AttributeValue> start = ScanTokens.decode(token, segment, source);
        ScanRequest.Builder scan = ScanRequest.builder()
                .tableName(table)
                .segment(segment)
                .totalSegments(segments)
                .limit(limit)
                .exclusiveStartKey(start);
        request.accept(scan);
        ScanRequest built = scan.build();
        ScanResponse page = resumed(() -> calls.call("scan of segment " + segment, () -> dynamoDb.scan(built)), token);
        return new SegmentPage(page.items(), more(page) ? ScanTokens.encode(segment, page.lastEvaluatedKey()) : null);
    }

    /**
     * Scans the whole table page after page, giving each page's items to {@code items}; {@code
     * request} adds the caller's settings to every scan and {@code what} names the scan in a failure.
     */
    public void everyPage(
            String what, Consumer<ScanRequest.Builder> request, Consumer<List<Map<String, AttributeValue>>> items) {
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder scan = ScanRequest.builder().tableName(table).exclusiveStartKey(start);
            request.accept(scan);
            ScanRequest built = scan.build();
            ScanResponse page = calls.call(what, () -> dynamoDb.scan(built));
            items.accept(page.items());
            start = more(page) ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    private static boolean more(ScanResponse page) {
        return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty();
    }

    /** Checks the arguments of a segment read, naming a bad one. */
    private void checkPage(int segment, int limit) {
        if (segment < 0 || segment >= segments) {
            throw new IllegalArgumentException("segment must be 0 to " + (segments - 1) + " but was " + segment);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
    }

    /**
     * Runs a scan that resumes from {@code token}; a scan DynamoDB refuses as invalid because of the
     * token's start key becomes an {@code IllegalArgumentException} naming the token.
     */
    private ScanResponse resumed(Supplier<ScanResponse> scan, @Nullable String token) {
        try {
            return scan.get();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (token != null
                    && cause instanceof AwsServiceException aws
                    && aws.statusCode() == 400
                    && aws.awsErrorDetails() != null
                    && "ValidationException".equals(aws.awsErrorDetails().errorCode())) {
                throw new IllegalArgumentException(
                        source + " did not issue token '" + token + "': " + aws.getMessage(), e);
            }
            throw e;
        }
    }
}
