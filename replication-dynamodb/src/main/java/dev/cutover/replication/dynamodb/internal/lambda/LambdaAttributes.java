package dev.cutover.replication.dynamodb.internal.lambda;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Attribute values of the Lambda event model ({@code
 * com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue}) as the AWS SDK's,
 * value for value: a number keeps its text exactly ({@code N} is never parsed), binary its bytes,
 * sets their members in order, maps their entries in order, lists their elements, recursively.
 *
 * <p>Why not AWS's {@code aws-lambda-java-events-sdk-transformer}: it would be a third artifact for
 * a Lambda user to add, for what this class does in a screen of code; it fails a whole record on a
 * missing {@code ApproximateCreationDateTime} with a {@link NullPointerException}, turns an empty
 * set into a value with no type at all, and its error message for a value it cannot convert
 * prints the value, which is entity data. Here a value that is not exactly one DynamoDB type is
 * refused with an {@link IllegalArgumentException} naming its path ({@code newImage.lines[2].qty})
 * and never its content, and the record alone is refused.
 */
public final class LambdaAttributes {
    /** Deeper than DynamoDB's 32 levels of nesting: a value this deep did not come from DynamoDB. */
    private static final int MAX_DEPTH = 64;

    private LambdaAttributes() {}

    /**
     * The SDK item of a Lambda item (a record's keys or image); null stays null.
     *
     * @param path names the item in an error, such as {@code newImage}
     * @throws IllegalArgumentException for a value that is not exactly one DynamoDB type, naming its path
     */
    public static @Nullable Map<String, AttributeValue> item(
            @Nullable Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> item,
            String path) {
        return item == null ? null : map(item, path, 1);
    }

    private static Map<String, AttributeValue> map(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> m,
            String path,
            int depth) {
        Map<String, AttributeValue> out = new LinkedHashMap<>(Math.max(4, m.size() * 2));
        for (Map.Entry<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> e :
                m.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException(path + " has an attribute without a name");
            }
            String at = path + "." + e.getKey();
            out.put(e.getKey(), value(e.getValue(), at, depth));
        }
        return out;
    }

    private static AttributeValue value(
            com.amazonaws.services.lambda.runtime.events.models.dynamodb.@Nullable AttributeValue v,
            String path,
            int depth) {
        if (v == null) {
            throw new IllegalArgumentException(path + " is null");
        }
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(path + " is nested deeper than " + MAX_DEPTH + " levels");
        }
        int types = count(v.getS(), v.getN(), v.getB(), v.getSS(), v.getNS(), v.getBS(), v.getM(), v.getL())
                + count(v.getBOOL(), v.getNULL());
        if (types != 1) {
            throw new IllegalArgumentException(
                    path + (types == 0 ? " has no type set" : " has " + types + " types set, not one"));
        }
        if (v.getS() != null) {
            return AttributeValue.fromS(v.getS());
        }
        if (v.getN() != null) {
            return AttributeValue.fromN(v.getN());
        }
        if (v.getB() != null) {
            return AttributeValue.fromB(bytes(v.getB()));
        }
        if (v.getBOOL() != null) {
            return AttributeValue.fromBool(v.getBOOL());
        }
        if (v.getNULL() != null) {
            if (!v.getNULL()) {
                throw new IllegalArgumentException(path + " is NULL false, which DynamoDB does not write");
            }
            return AttributeValue.fromNul(true);
        }
        if (v.getSS() != null) {
            return AttributeValue.fromSs(members(v.getSS(), path));
        }
        if (v.getNS() != null) {
            return AttributeValue.fromNs(members(v.getNS(), path));
        }
        if (v.getBS() != null) {
            List<SdkBytes> bs = new ArrayList<>(v.getBS().size());
            for (ByteBuffer b : members(v.getBS(), path)) {
                bs.add(bytes(b));
            }
            return AttributeValue.fromBs(bs);
        }
        if (v.getM() != null) {
            return AttributeValue.fromM(map(v.getM(), path, depth + 1));
        }
        List<com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> l = v.getL();
        List<AttributeValue> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            out.add(value(l.get(i), path + "[" + i + "]", depth + 1));
        }
        return AttributeValue.fromL(out);
    }

    private static int count(@Nullable Object... values) {
        int n = 0;
        for (Object o : values) {
            if (o != null) {
                n++;
            }
        }
        return n;
    }

    private static <T> List<T> members(List<T> set, String path) {
        for (int i = 0; i < set.size(); i++) {
            if (set.get(i) == null) {
                throw new IllegalArgumentException(path + " has a null set member at " + i);
            }
        }
        return List.copyOf(set);
    }

    /** The bytes from the buffer's position to its limit, leaving the buffer as it was. */
    private static SdkBytes bytes(ByteBuffer b) {
        return SdkBytes.fromByteBuffer(b.duplicate());
    }
}
