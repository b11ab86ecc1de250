package dev.cutover.replication.dynamodb.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Stream records as the AWS SDK's streams client reads them, turned into the Lambda event that an
 * event source mapping would hand the function: what Lambda's own poller does, done in the test.
 */
final class LambdaEvents {
    private LambdaEvents() {}

    /** The event of {@code records}, in their order. */
    static DynamodbEvent event(List<DynamodbStreamRecord> records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(new ArrayList<>(records));
        return event;
    }

    /** The Lambda records of SDK records. */
    static List<DynamodbStreamRecord> records(List<Record> records, String streamArn) {
        List<DynamodbStreamRecord> out = new ArrayList<>(records.size());
        records.forEach(r -> out.add(record(r, streamArn)));
        return out;
    }

    /** The Lambda record of an SDK record of the stream {@code streamArn}. */
    static DynamodbStreamRecord record(Record r, String streamArn) {
        StreamRecord d = r.dynamodb();
        com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord lambda =
                new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord();
        lambda.setSequenceNumber(d.sequenceNumber());
        lambda.setSizeBytes(d.sizeBytes());
        if (d.approximateCreationDateTime() != null) {
            lambda.setApproximateCreationDateTime(Date.from(d.approximateCreationDateTime()));
        }
        if (d.streamViewTypeAsString() != null) {
            lambda.setStreamViewType(
                    com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.valueOf(
                            d.streamViewTypeAsString()));
        }
        lambda.setKeys(d.hasKeys() ? item(d.keys()) : null);
        lambda.setNewImage(d.hasNewImage() ? item(d.newImage()) : null);
        lambda.setOldImage(d.hasOldImage() ? item(d.oldImage()) : null);
        DynamodbStreamRecord record = new DynamodbStreamRecord();
        record.setEventID(r.eventID());
        record.setEventName(r.eventNameAsString());
        record.setEventVersion(r.eventVersion());
        record.setEventSource(r.eventSource());
        record.setAwsRegion(r.awsRegion());
        record.setEventSourceARN(streamArn);
        record.setDynamodb(lambda);
        return record;
    }

    /** A Lambda item of an SDK item, in its order. */
    static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> item(
            Map<String, AttributeValue> item) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out =
                new LinkedHashMap<>();
        item.forEach((name, v) -> out.put(name, attribute(v)));
        return out;
    }

    /** The Lambda attribute value of an SDK one. */
    static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue attribute(AttributeValue v) {
        com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue out =
                new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        switch (v.type()) {
            case S -> out.setS(v.s());
            case N -> out.setN(v.n());
            case B -> out.setB(buffer(v.b()));
            case SS -> out.setSS(v.ss());
            case NS -> out.setNS(v.ns());
            case BS -> out.setBS(v.bs().stream().map(LambdaEvents::buffer).toList());
            case M -> out.setM(item(v.m()));
            case L -> out.setL(v.l().stream().map(LambdaEvents::attribute).toList());
            case BOOL -> out.setBOOL(v.bool());
            case NUL -> out.setNULL(v.nul());
            default -> throw new IllegalArgumentException("no type: " + v.type());
        }
        return out;
    }

    private static ByteBuffer buffer(SdkBytes bytes) {
        return ByteBuffer.wrap(bytes.asByteArray());
    }

    /** The sequence number the response reports as failed, or null when it reports none. */
    static @Nullable String failed(StreamsEventResponse response) {
        List<StreamsEventResponse.BatchItemFailure> failures = response.getBatchItemFailures();
        if (failures == null || failures.isEmpty()) {
            return null;
        }
        if (failures.size() != 1) {
            throw new AssertionError("one failure expected, the first, but the response reported " + failures);
        }
        return failures.get(0).getItemIdentifier();
    }

    /** The records from the one with {@code sequenceNumber} on: what Lambda delivers after that failure. */
    static List<DynamodbStreamRecord> from(List<DynamodbStreamRecord> batch, String sequenceNumber) {
        for (int i = 0; i < batch.size(); i++) {
            if (sequenceNumber.equals(batch.get(i).getDynamodb().getSequenceNumber())) {
                return batch.subList(i, batch.size());
            }
        }
        throw new AssertionError("sequence number " + sequenceNumber + " is not in the batch");
    }
}
