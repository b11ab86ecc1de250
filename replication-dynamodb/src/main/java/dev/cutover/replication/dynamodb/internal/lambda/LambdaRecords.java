package dev.cutover.replication.dynamodb.internal.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Records of a Lambda {@code DynamodbEvent} as the AWS SDK's stream records, carrying what the
 * stream reader's mapping reads: the event name, the keys, the images and the sequence number. So
 * a record becomes the same change here as when a {@code DynamoDbStreamReader} reads it.
 */
public final class LambdaRecords {
    private LambdaRecords() {}

    /**
     * The SDK record of {@code r}.
     *
     * @throws IllegalArgumentException when the record has no {@code dynamodb} section, or a key or
     *     image value is not exactly one DynamoDB type (naming its path)
     */
    public static Record toSdk(DynamodbStreamRecord r) {
        com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord d = r.getDynamodb();
        if (d == null) {
            throw new IllegalArgumentException("record has no dynamodb section");
        }
        StreamRecord.Builder sdk = StreamRecord.builder()
                .sequenceNumber(d.getSequenceNumber())
                .keys(LambdaAttributes.item(d.getKeys(), "keys"))
                .newImage(LambdaAttributes.item(d.getNewImage(), "newImage"))
                .oldImage(LambdaAttributes.item(d.getOldImage(), "oldImage"))
                .sizeBytes(d.getSizeBytes())
                .streamViewType(d.getStreamViewType());
        if (d.getApproximateCreationDateTime() != null) {
            sdk.approximateCreationDateTime(d.getApproximateCreationDateTime().toInstant());
        }
        return Record.builder()
                .eventID(r.getEventID())
                .eventName(r.getEventName())
                .eventSource(r.getEventSource())
                .awsRegion(r.getAwsRegion())
                .dynamodb(sdk.build())
                .build();
    }

    /** The record's sequence number, or null when it has none. */
    public static @Nullable String sequenceNumber(DynamodbStreamRecord r) {
        return r.getDynamodb() == null ? null : r.getDynamodb().getSequenceNumber();
    }

    /**
     * The record's primary key as text for a log line or a journal entry, read from the Lambda
     * model itself (so also for a record whose values could not be converted): {@code {id=order-7}},
     * invisible characters escaped ({@code {id=order-7\u200B}}), binary keys as their length;
     * {@code ?} when the record has no keys.
     */
    public static String rawKey(DynamodbStreamRecord r) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> keys =
                r.getDynamodb() == null ? null : r.getDynamodb().getKeys();
        if (keys == null || keys.isEmpty()) {
            return "?";
        }
        StringBuilder text = new StringBuilder("{");
        keys.forEach((name, v) -> text.append(text.length() > 1 ? ", " : "")
                .append(name)
                .append('=')
                .append(
                        v == null
                                ? "?"
                                : v.getS() != null
                                        ? visible(v.getS())
                                        : v.getN() != null
                                                ? v.getN()
                                                : v.getB() != null ? v.getB().remaining() + " bytes" : "?"));
        return text.append('}').toString();
    }

    /** {@code text} with control, format and separator characters other than a space as {@code \\uXXXX}. */
    static String visible(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            boolean invisible = Character.isISOControl(c)
                    || type == Character.FORMAT
                    || type == Character.SURROGATE && !paired(text, i)
                    || (Character.isSpaceChar(c) && c != ' ');
            out.append(invisible ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static boolean paired(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c)
                ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
