package dev.cutover.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * {@code compare} never throws, whatever it is given: trees with NaN and numbers of extreme
 * exponents, trees far deeper than the limit, objects Jackson cannot serialize (a failing getter,
 * a cycle, a null map key), and normalizers or comparators that throw, return null or overflow the
 * stack. What it cannot compare is an ERROR whose text names no value, not even the secret an
 * exception message carried.
 */
class NeverThrowsProperties {
    static final String SECRET = "SECRET-4111-1111";

    /** A getter that fails, with personal data in the message. */
    public static final class FailingBean {
        public String getCard() {
            throw new IllegalStateException("cannot read card " + SECRET);
        }
    }

    /** Two objects pointing at each other. */
    public static final class Link {
        public Link next;
        public String note = SECRET;
    }

    public static final class NoProperties {}

    enum Hook {
        NONE,
        THROWING_NORMALIZER,
        NULL_NORMALIZER,
        OVERFLOWING_NORMALIZER,
        THROWING_COMPARATOR
    }

    @Provide
    Arbitrary<Object> anything() {
        return Arbitraries.oneOf(
                JsonTrees.documents(3).map(Object.class::cast),
                JsonTrees.documents(2).map(d -> (Object) Optional.of(d)),
                Arbitraries.of(
                                Double.NaN,
                                Double.POSITIVE_INFINITY,
                                Double.NEGATIVE_INFINITY,
                                -0.0,
                                Float.NaN,
                                0.1f,
                                new BigDecimal("1E-999999999"),
                                new BigDecimal("-1E+999999999"),
                                BigInteger.TEN.pow(400))
                        .map(v -> (Object) Map.of("ts", v, "a", List.of(v, v))),
                Arbitraries.integers().between(200, 3000).map(NeverThrowsProperties::nestedTree),
                Arbitraries.integers().between(200, 1500).map(NeverThrowsProperties::nestedLists),
                Arbitraries.of(hostileValues()));
    }

    @Provide
    Arbitrary<RandomConfig> configs() {
        return RandomConfig.configs();
    }

    @Property(tries = 250)
    void compareNeverThrows(
            @ForAll("anything") Object a,
            @ForAll("anything") Object b,
            @ForAll("configs") RandomConfig config,
            @ForAll Hook hook) {
        Comparison comparison = withHook(config.builder(), hook).build();

        ComparisonResult result = comparison.compare(a, b);
        Statistics.label("outcome").collect(result.outcome());

        assertThat(result.toString()).doesNotContain(SECRET);
        if (result.outcome() == ComparisonResult.Outcome.ERROR) {
            assertThat(result.error()).startsWith("cannot compare: ");
            assertThat(result.differences()).isEmpty();
        } else {
            assertThat(result.error()).isNull();
        }
        if (hook == Hook.THROWING_NORMALIZER || hook == Hook.NULL_NORMALIZER || hook == Hook.OVERFLOWING_NORMALIZER) {
            assertThat(result.outcome()).isEqualTo(ComparisonResult.Outcome.ERROR);
        }
        Statistics.label("outcome").coverage(check -> {
            check.check(ComparisonResult.Outcome.ERROR).percentage(p -> p > 10);
            check.checkQuery(values -> values.get(0) != ComparisonResult.Outcome.ERROR)
                    .percentage(p -> p > 10);
        });
    }

    private static Comparison.Builder withHook(Comparison.Builder builder, Hook hook) {
        return switch (hook) {
            case NONE -> builder;
            case THROWING_NORMALIZER ->
                builder.normalizer(tree -> {
                    throw new IllegalArgumentException("bad value " + SECRET);
                });
            case NULL_NORMALIZER -> builder.normalizer(tree -> nullTree());
            case OVERFLOWING_NORMALIZER -> builder.normalizer(NeverThrowsProperties::overflow);
            case THROWING_COMPARATOR ->
                builder.compareAt("/*", (path, o, n) -> {
                    throw new IllegalStateException(SECRET + " at " + path);
                });
        };
    }

    private static JsonNode nullTree() {
        return null;
    }

    private static JsonNode overflow(JsonNode tree) {
        return overflow(tree);
    }

    static List<Object> hostileValues() {
        Link first = new Link();
        Link second = new Link();
        first.next = second;
        second.next = first;
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, SECRET);
        return List.of(
                new FailingBean(),
                first,
                nullKey,
                new NoProperties(),
                Optional.empty(),
                Instant.parse("2024-05-01T10:15:30.123456Z"),
                LocalDate.of(2024, 5, 1),
                new byte[] {1, 2, 3},
                new Object[] {SECRET.length(), null, List.of()},
                "plain",
                42);
    }

    /** {"a": {"a": ... }} built without recursion, {@code depth} levels. */
    static Object nestedTree(int depth) {
        JsonNode tree = JsonTrees.F.textNode("leaf");
        for (int i = 0; i < depth; i++) {
            tree = JsonTrees.F.objectNode().set("a", tree);
        }
        return tree;
    }

    static Object nestedLists(int depth) {
        List<Object> lists = new ArrayList<>();
        List<Object> inner = lists;
        for (int i = 0; i < depth; i++) {
            List<Object> next = new ArrayList<>();
            inner.add(next);
            inner = next;
        }
        return lists;
    }
}
