package dev.cutover.testsupport;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A DynamoDB Streams client in front of another (DynamoDB Local's, or a scripted stream) that
 * forwards the calls a stream reader makes and expires iterators on request: while {@link
 * #expireNext} is positive, a {@code getRecords} call counts it down and throws {@link
 * ExpiredIteratorException} instead of reading. Closing it leaves the other client open.
 *
 * <pre>{@code
 * FaultyStreams streams = new FaultyStreams(LocalDynamoDb.streams());
 * streams.expireNext.set(1);   // the reader's next read finds its iterator expired
 * }</pre>
 */
public final class FaultyStreams implements DynamoDbStreamsClient {
    /** How many of the next {@code getRecords} calls find their iterator expired. */
    public final AtomicInteger expireNext = new AtomicInteger();
    /** How many {@code getRecords} calls were failed so far. */
    public final AtomicInteger expired = new AtomicInteger();
    /** How many {@code getRecords} calls were made so far, failed ones included. */
    public final AtomicInteger reads = new AtomicInteger();

    private final DynamoDbStreamsClient real;

    /** Forwards to {@code real}. */
    public FaultyStreams(DynamoDbStreamsClient real) {
        this.real = real;
    }

    @Override
    public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
        return real.describeStream(request);
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        return real.getShardIterator(request);
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        reads.incrementAndGet();
        if (expireNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            expired.incrementAndGet();
            throw ExpiredIteratorException.builder()
                    .message("injected: iterator expired")
                    .build();
        }
        return real.getRecords(request);
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    /** Does nothing: the client behind stays open. */
    @Override
    public void close() {}
}
