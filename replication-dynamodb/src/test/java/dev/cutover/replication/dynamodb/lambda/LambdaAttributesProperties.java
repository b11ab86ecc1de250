package dev.cutover.replication.dynamodb.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import dev.cutover.replication.dynamodb.internal.lambda.LambdaAttributes;
import dev.cutover.replication.dynamodb.internal.lambda.LambdaRecords;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Attribute values round-trip exactly between the AWS SDK's model and the Lambda event model:
 * numbers keep their text, binary its bytes, sets their members and order, maps and lists their
 * nesting; and a value that is not exactly one DynamoDB type is refused naming its path, never
 * its content.
 */
class LambdaAttributesProperties {

    @Property(tries = 300)
    void itemsRoundTripExactly(@ForAll("items") Map<String, AttributeValue> item) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> lambda =
                LambdaEvents.item(item);

        assertThat(LambdaAttributes.item(lambda, "newImage")).isEqualTo(item);
        assertThat(LambdaAttributes.item(lambda, "newImage"))
                .as("a second conversion of the same event: the first left its buffers as they were")
                .isEqualTo(item);
    }

    @Property(tries = 100)
    void recordsKeepKeysImagesAndSequenceNumber(
            @ForAll("items") Map<String, AttributeValue> oldImage,
            @ForAll("items") Map<String, AttributeValue> newImage,
            @ForAll("numbers") String sequence) {
        Map<String, AttributeValue> keys = Map.of("id", AttributeValue.fromS("order-1"));
        Record sdk = Record.builder()
                .eventName(OperationType.MODIFY)
                .dynamodb(StreamRecord.builder()
                        .keys(keys)
                        .oldImage(oldImage)
                        .newImage(newImage)
                        .sequenceNumber(sequence)
                        .approximateCreationDateTime(Instant.ofEpochSecond(1_767_225_600L))
                        .streamViewType("NEW_AND_OLD_IMAGES")
                        .build())
                .build();
        DynamodbStreamRecord lambda = LambdaEvents.record(sdk, "arn:stream");

        Record back = LambdaRecords.toSdk(lambda);

        assertThat(back.eventName()).isEqualTo(OperationType.MODIFY);
        assertThat(back.dynamodb().keys()).isEqualTo(keys);
        assertThat(back.dynamodb().oldImage()).isEqualTo(oldImage);
        assertThat(back.dynamodb().newImage()).isEqualTo(newImage);
        assertThat(back.dynamodb().sequenceNumber()).isEqualTo(sequence);
        assertThat(back.dynamodb().approximateCreationDateTime()).isEqualTo(Instant.ofEpochSecond(1_767_225_600L));
    }

    @Example
    void aBufferIsReadFromItsPositionAndLeftThere() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 1, 2, 3});
        buffer.position(1);
        var value = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        value.setB(buffer);

        assertThat(LambdaAttributes.item(Map.of("b", value), "keys"))
                .isEqualTo(Map.of("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1, 2, 3}))));
        assertThat(buffer.position()).isEqualTo(1);
    }

    @Example
    void aValueThatIsNotExactlyOneTypeIsRefusedNamingItsPathNotItsContent() {
        var none = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        var two = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        two.setS("secret-text");
        two.setN("12345");
        var list = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        list.setL(List.of(LambdaEvents.attribute(AttributeValue.fromS("fine")), two));
        var nested = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        nested.setM(Map.of("lines", list));
        var falseNull = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        falseNull.setNULL(false);
        var holeySet = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        List<String> members = new ArrayList<>(List.of("a"));
        members.add(null);
        holeySet.setSS(members);

        assertThatThrownBy(() -> LambdaAttributes.item(Map.of("a", none), "newImage"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("newImage.a has no type set");
        assertThatThrownBy(() -> LambdaAttributes.item(Map.of("order", nested), "oldImage"))
                .hasMessage("oldImage.order.lines[1] has 2 types set, not one")
                .hasMessageNotContaining("secret-text")
                .hasMessageNotContaining("12345");
        assertThatThrownBy(() -> LambdaAttributes.item(Map.of("n", falseNull), "keys"))
                .hasMessageContaining("keys.n is NULL false");
        assertThatThrownBy(() -> LambdaAttributes.item(Map.of("tags", holeySet), "newImage"))
                .hasMessage("newImage.tags has a null set member at 1");
    }

    @Provide
    Arbitrary<Map<String, AttributeValue>> items() {
        return Arbitraries.maps(names(), values(3)).ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> numbers() {
        Arbitrary<String> integers = Arbitraries.bigIntegers()
                .between(BigInteger.TEN.pow(38).negate(), BigInteger.TEN.pow(38))
                .map(BigInteger::toString);
        Arbitrary<String> decimals = Arbitraries.bigDecimals()
                .between(new BigDecimal("-1E+20"), new BigDecimal("1E+20"))
                .ofScale(18)
                .map(BigDecimal::toPlainString);
        Arbitrary<String> written =
                Arbitraries.of("1.50", "1E+3", "-0", "0.000", "1e-130", "9.9999999999999999999999999999999999999E+125");
        return Arbitraries.oneOf(integers, decimals, written);
    }

    private static Arbitrary<String> names() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(8);
    }

    private static Arbitrary<SdkBytes> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(12).map(SdkBytes::fromByteArray);
    }

    private Arbitrary<AttributeValue> values(int depth) {
        Arbitrary<AttributeValue> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(AttributeValue::fromS),
                numbers().map(AttributeValue::fromN),
                bytes().map(AttributeValue::fromB),
                Arbitraries.of(true, false).map(AttributeValue::fromBool),
                Arbitraries.just(AttributeValue.fromNul(true)),
                sets(Arbitraries.strings().ofMaxLength(6)).map(AttributeValue::fromSs),
                sets(numbers()).map(AttributeValue::fromNs),
                sets(bytes()).map(AttributeValue::fromBs));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<AttributeValue> inner = Arbitraries.lazy(() -> values(depth - 1));
        return Arbitraries.frequencyOf(
                weighted(6, scalars),
                weighted(1, Arbitraries.maps(names(), inner).ofMaxSize(4).map(AttributeValue::fromM)),
                weighted(1, inner.list().ofMaxSize(4).map(AttributeValue::fromL)));
    }

    private static Tuple2<Integer, Arbitrary<? extends AttributeValue>> weighted(
            int frequency, Arbitrary<AttributeValue> arbitrary) {
        return Tuple.of(frequency, arbitrary);
    }

    /** Sets as DynamoDB keeps them: 1 to 4 distinct members, in a fixed order. */
    private static <T> Arbitrary<List<T>> sets(Arbitrary<T> members) {
        return members.list().ofMinSize(1).ofMaxSize(4).map(l -> List.copyOf(new LinkedHashSet<>(l)));
    }
}
