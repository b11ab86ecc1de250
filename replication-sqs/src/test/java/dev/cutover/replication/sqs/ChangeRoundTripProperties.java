package dev.cutover.replication.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.sqs.internal.ChangeCodec;
import dev.cutover.replication.sqs.internal.NotAChange;
import dev.cutover.testkit.contract.Payloads;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A change comes back from its SQS message exactly: key, version, kind, and a payload equal as a
 * tree to the payload offered, with numbers as JSON text reads them (integers as {@code int},
 * {@code long} or {@code BigInteger} by size, every other number as the exact {@code BigDecimal} of
 * its text with its scale, a {@code double} as its shortest decimal), text character for character:
 * longs at their limits, integers beyond {@code long}, decimals of 60 digits, astral characters,
 * and the characters SQS refuses in a body (NUL, lone surrogates, U+FFFF). Checked on the codec and
 * through a real queue (ElasticMQ).
 */
class ChangeRoundTripProperties {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static String url;
    private static SqsChangeQueue queue;

    @BeforeContainer
    static void openQueue() {
        url = ElasticMq.createQueue("round-trip", false);
        queue = ElasticMq.queue(url).build();
    }

    @AfterContainer
    static void closeQueue() {
        queue.close();
        ElasticMq.deleteQueue(url);
    }

    @Property(tries = 300)
    void theCodecKeepsEveryChangeExactly(@ForAll("changes") Change change) throws Exception {
        String body = ChangeCodec.encode(change);
        assertSqsAccepts(body);
        assertThat(ChangeCodec.utf8Length(body)).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        Change back = ChangeCodec.decode(body);
        assertExact(change, back);
        assertThat(ChangeCodec.decode(ChangeCodec.encode(back)))
                .as("what came back once comes back unchanged")
                .isEqualTo(back);
    }

    @Property(tries = 15)
    void changesComeBackExactlyThroughSqs(@ForAll("batches") List<Change> changes) throws Exception {
        for (Change c : changes) {
            assertThat(queue.offer(c, Duration.ofSeconds(10))).isTrue();
        }
        List<Change> got =
                ElasticMq.pollUntil(queue, 50, Duration.ofSeconds(30), delivered -> delivered.size() >= changes.size());
        assertThat(got).hasSameSizeAs(changes);
        Map<String, Change> byKey = new java.util.HashMap<>();
        got.forEach(c -> byKey.put(c.key(), c));
        for (Change c : changes) {
            assertThat(byKey).containsKey(c.key());
            assertExact(c, byKey.get(c.key()));
        }
    }

    @Property(tries = 300)
    void anyTextIsAChangeOrRefusedWithAReason(@ForAll("bodies") String body) {
        try {
            Change c = ChangeCodec.decode(body);
            assertThat(ChangeCodec.decode(ChangeCodec.encode(c))).isEqualTo(c);
        } catch (NotAChange e) {
            assertThat(e.reason()).isNotBlank().doesNotContain(body.length() > 8 ? body : "\u0000never");
        }
    }

    @Provide
    Arbitrary<Change> changes() {
        Arbitrary<String> keys = Arbitraries.oneOf(
                        Payloads.texts(),
                        hostileText(),
                        Arbitraries.strings().alpha().numeric())
                .filter(k -> !k.isEmpty() && k.length() <= Change.MAX_KEY_LENGTH);
        Arbitrary<Long> versions =
                Arbitraries.oneOf(Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.of(1L, Long.MAX_VALUE));
        Arbitrary<JsonNode> payloads =
                Arbitraries.oneOf(Payloads.objects(4, 60), hostileText().map(t ->
                        (JsonNode) JSON.objectNode().put(t, t)));
        return Combinators.combine(
                        keys, versions, payloads, Arbitraries.integers().between(0, 5))
                .as((k, v, p, d) -> d == 0 ? Change.delete(k, v) : Change.upsert(k, v, p));
    }

    @Provide
    Arbitrary<List<Change>> batches() {
        return changes().list().ofMinSize(1).ofMaxSize(25).uniqueElements(Change::key);
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> nearlyChanges = Combinators.combine(
                        changes().map(ChangeCodec::encode),
                        Arbitraries.of("\"version\":", "\"kind\":\"", "\"cutover\":", "\"key\":"),
                        Arbitraries.of("\"versio\":", "\"kind\":\"X", "\"cutover\":\"", "\"key\":1,\"k\":", ""))
                .as((body, field, replacement) -> body.replaceFirst(java.util.regex.Pattern.quote(field), replacement));
        return Arbitraries.frequencyOf(
                Tuple.of(2, changes().map(ChangeCodec::encode)),
                Tuple.of(3, nearlyChanges),
                Tuple.of(1, changes().map(ChangeCodec::encode).map(b -> b.substring(0, b.length() / 2))),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(40)));
    }

    /** Text with the characters SQS refuses in a body and JSON must escape. */
    private static Arbitrary<String> hostileText() {
        Arbitrary<Character> c = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.chars().range('a', 'z')),
                Tuple.of(1, Arbitraries.of('\u0000', '\u0001', '\u001f', '\t', '\n', '\r', '"', '\\', '/')),
                Tuple.of(1, Arbitraries.of('\uFFFE', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF')),
                Tuple.of(1, Arbitraries.of('é', '\u00a0', '\u2028', '\u2029', '\uFEFF')));
        return c.list().ofMinSize(1).ofMaxSize(12).map(cs -> {
            StringBuilder s = new StringBuilder();
            cs.forEach(s::append);
            return s.toString();
        });
    }

    private static void assertSqsAccepts(String body) {
        body.codePoints()
                .forEach(cp -> assertThat(cp == 0x9
                                || cp == 0xA
                                || cp == 0xD
                                || (cp >= 0x20 && cp <= 0xD7FF)
                                || (cp >= 0xE000 && cp <= 0xFFFD)
                                || (cp >= 0x10000 && cp <= 0x10FFFF))
                        .as("SQS accepts U+%04X", cp)
                        .isTrue());
    }

    private static void assertExact(Change offered, Change back) {
        assertThat(back.key()).isEqualTo(offered.key());
        assertThat(back.version()).isEqualTo(offered.version());
        assertThat(back.kind()).isEqualTo(offered.kind());
        if (offered.payload() == null) {
            assertThat(back.payload()).isNull();
            return;
        }
        assertThat(back.payload()).isEqualTo(asJsonTextReadsIt(offered.payload()));
        assertThat(PayloadDigest.of(back.payload())).isEqualTo(PayloadDigest.of(offered.payload()));
        assertSameNumbers(offered.payload(), back.payload());
    }

    /** Every number, in document order, has the same value (and a decimal the same scale). */
    private static void assertSameNumbers(JsonNode offered, JsonNode back) {
        List<JsonNode> a = new ArrayList<>();
        List<JsonNode> b = new ArrayList<>();
        numbers(offered, a);
        numbers(back, b);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            BigDecimal was = a.get(i).isFloatingPointNumber() && !a.get(i).isBigDecimal()
                    ? new BigDecimal(
                            a.get(i).isFloat()
                                    ? Float.toString(a.get(i).floatValue())
                                    : Double.toString(a.get(i).doubleValue()))
                    : a.get(i).decimalValue();
            assertThat(b.get(i).decimalValue()).isEqualByComparingTo(was);
            if (b.get(i).isBigDecimal()) {
                assertThat(b.get(i).decimalValue().scale()).isEqualTo(was.scale());
            }
        }
    }

    private static void numbers(JsonNode n, List<JsonNode> into) {
        if (n.isNumber()) {
            into.add(n);
        }
        n.forEach(child -> numbers(child, into));
    }

    /** What reading the JSON text of {@code n} yields: the only change a round trip may make. */
    static JsonNode asJsonTextReadsIt(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = JSON.objectNode();
            n.properties().forEach(f -> o.set(f.getKey(), asJsonTextReadsIt(f.getValue())));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JSON.arrayNode();
            n.forEach(e -> a.add(asJsonTextReadsIt(e)));
            return a;
        }
        if (!n.isNumber()) {
            return n;
        }
        if (n.isIntegralNumber()) {
            return bySize(n.bigIntegerValue());
        }
        if (n.isBigDecimal()) {
            BigDecimal d = n.decimalValue();
            return d.scale() == 0 ? bySize(d.toBigIntegerExact()) : DecimalNode.valueOf(d);
        }
        return DecimalNode.valueOf(
                new BigDecimal(n.isFloat() ? Float.toString(n.floatValue()) : Double.toString(n.doubleValue())));
    }

    private static JsonNode bySize(BigInteger v) {
        if (v.bitLength() < 32) {
            return IntNode.valueOf(v.intValue());
        }
        if (v.bitLength() < 64) {
            return LongNode.valueOf(v.longValue());
        }
        return BigIntegerNode.valueOf(v);
    }
}
