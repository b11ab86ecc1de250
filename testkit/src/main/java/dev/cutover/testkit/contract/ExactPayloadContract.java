package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.compare.Comparison;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.replication.spi.VersionedTarget;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Payloads round-trip exactly through a {@link VersionedTarget}, and content digests follow
 * values: what is written is what is read, by key and by segment scan, equal as trees once in
 * canonical form; integers come back as {@code long} or {@code BigInteger}, every other number as
 * {@code BigDecimal}; numerically equal payloads have equal {@link PayloadDigest}s and payloads one
 * unit apart in any digit differ; a reconciliation of the target against the payloads it was
 * given finds nothing. A store extends this class as it does {@link VersionedTargetContract}.
 */
public abstract class ExactPayloadContract {
    private static final Comparison CANONICAL = Comparison.builder().build();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A fresh, empty target, used by one try only. */
    protected abstract VersionedTarget createTarget() throws Exception;

    /** The most significant digits a decimal may have in this store; DynamoDB keeps 38. */
    protected int maxDecimalDigits() {
        return 60;
    }

    @Provide
    Arbitrary<List<JsonNode>> payloadLists() {
        return Payloads.objects(4, maxDecimalDigits()).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 50)
    void payloadsRoundTripExactlyAndDigestsFollowValues(@ForAll("payloadLists") List<JsonNode> payloads)
            throws Exception {
        VersionedTarget target = createTarget();
        Map<String, JsonNode> written = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            JsonNode[] variants = Payloads.equalAndDifferent(payloads.get(i));
            put(changes, written, "p-" + i + "/𝄞", payloads.get(i));
            put(changes, written, "e-" + i, variants[0]);
            put(changes, written, "d-" + i, variants[1]);
        }
        target.apply(changes);
        Map<String, JsonNode> read = new HashMap<>();
        for (String key : written.keySet()) {
            JsonNode back = target.read(key).orElseThrow().payload();
            assertExact(key, written.get(key), back);
            read.put(key, back);
        }
        for (int i = 0; i < payloads.size(); i++) {
            String digest = PayloadDigest.of(read.get("p-" + i + "/𝄞"));
            assertThat(PayloadDigest.of(read.get("e-" + i)))
                    .as("digest of a numerically equal payload")
                    .isEqualTo(digest);
            assertThat(PayloadDigest.of(read.get("d-" + i)))
                    .as("digest of a payload one unit apart")
                    .isNotEqualTo(digest);
        }
        Map<String, JsonNode> scanned = scan(target);
        assertThat(scanned.keySet()).isEqualTo(written.keySet());
        scanned.forEach((key, back) -> assertExact(key, written.get(key), back));
        InMemoryVersionedTarget given = new InMemoryVersionedTarget();
        given.apply(changes);
        ReconciliationReport report = Reconciler.between(given, target)
                .buckets(16)
                .recheck(given::read)
                .recheckAfter(Duration.ZERO)
                .run();
        assertThat(report.clean())
                .as("reconciliation of the payloads given with the target: %s", report)
                .isTrue();
    }

    /** The values of issue 13: a NUMERIC(20,2) amount and longs at their limits. */
    @Example
    void aTwentyDigitDecimalAndLongsAtTheirLimitsComeBackAsWritten() throws Exception {
        VersionedTarget target = createTarget();
        ObjectNode cents = JSON.objectNode()
                .put("amount", new BigDecimal("12345678901234567.89"))
                .put("max", Long.MAX_VALUE)
                .put("min", Long.MIN_VALUE)
                .put("small", 7)
                .put("text", "Zoë 𝄞 😀");
        ObjectNode oneCentMore = cents.deepCopy().put("amount", new BigDecimal("12345678901234567.90"));
        target.apply(List.of(Change.upsert("cents", 1, cents), Change.upsert("cent-more", 1, oneCentMore)));
        JsonNode back = target.read("cents").orElseThrow().payload();
        assertThat(back.get("amount").isBigDecimal())
                .as("amount read as %s", back.get("amount").getNodeType())
                .isTrue();
        assertThat(back.get("amount").decimalValue()).isEqualByComparingTo("12345678901234567.89");
        assertThat(back.get("max").isLong()).isTrue();
        assertThat(back.get("max").longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(back.get("min").longValue()).isEqualTo(Long.MIN_VALUE);
        assertThat(back.get("small").isLong()).as("an int comes back as a long").isTrue();
        assertThat(back.get("text").textValue()).isEqualTo("Zoë 𝄞 😀");
        assertThat(PayloadDigest.of(back))
                .isEqualTo(PayloadDigest.of(cents))
                .isNotEqualTo(
                        PayloadDigest.of(target.read("cent-more").orElseThrow().payload()));
    }

    private static void put(List<Change> changes, Map<String, JsonNode> written, String key, JsonNode payload) {
        changes.add(Change.upsert(key, 1 + written.size(), payload));
        written.put(key, payload);
    }

    private static void assertExact(String key, JsonNode written, JsonNode read) {
        assertThat(CANONICAL.canonicalize(read))
                .as("payload of %s read back, canonical", key)
                .isEqualTo(CANONICAL.canonicalize(written));
        assertThat(PayloadDigest.of(read)).as("digest of %s read back", key).isEqualTo(PayloadDigest.of(written));
        assertNumberTypes(key, read);
    }

    /** Integers are longs or BigIntegers, everything else BigDecimal: never an int, never a double. */
    private static void assertNumberTypes(String key, JsonNode node) {
        if (node.isNumber()) {
            assertThat(node.isLong() || node.isBigInteger() || node.isBigDecimal())
                    .as("number %s of %s read as %s", node, key, node.numberType())
                    .isTrue();
        }
        node.forEach(child -> assertNumberTypes(key, child));
    }

    private static Map<String, JsonNode> scan(VersionedTarget target) throws Exception {
        Map<String, JsonNode> rows = new HashMap<>();
        for (int s = 0; s < target.segments(); s++) {
            String token = null;
            do {
                Page page = target.readPage(s, token, 3);
                page.rows().forEach(c -> rows.put(c.key(), c.payload()));
                token = page.next();
            } while (token != null);
        }
        return rows;
    }
}
