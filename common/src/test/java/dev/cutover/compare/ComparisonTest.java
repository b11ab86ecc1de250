package dev.cutover.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Comparison on examples: results as Java objects, paths, limits, sampling, errors, comparators, redaction. */
class ComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Line(String sku, BigDecimal price) {}

    record Order(String id, Instant placedAt, LocalDate due, Optional<String> note, List<Line> lines) {}

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static Order order(Instant placedAt, String price) {
        List<Line> lines = List.of(new Line("A-1", new BigDecimal(price)));
        return new Order("o-1", placedAt, LocalDate.of(2024, 5, 3), Optional.of("ring twice"), lines);
    }

    @Test
    void javaObjectsCompareAsTreesWithTimeAndOptionalSupport() {
        Instant micros = Instant.parse("2024-05-01T10:15:30.123456Z");
        Comparison millis = Comparison.builder()
                .timestampPrecision(ChronoUnit.MILLIS)
                .revealValues(true)
                .build();

        assertThat(millis.compare(order(micros, "9.90"), order(micros.truncatedTo(ChronoUnit.MILLIS), "9.9"))
                        .matches())
                .isTrue();
        ComparisonResult plain = Comparison.builder()
                .revealValues(true)
                .build()
                .compare(order(micros, "9.90"), order(micros.truncatedTo(ChronoUnit.MILLIS), "9.9"));
        assertThat(plain.differences())
                .extracting(Difference::path, Difference::oldValue, Difference::newValue)
                .containsExactly(tuple("/placedAt", "\"2024-05-01T10:15:30.123456Z\"", "\"2024-05-01T10:15:30.123Z\""));
        assertThat(Comparison.defaults()
                        .canonicalize(order(micros, "1"))
                        .get("due")
                        .asText())
                .isEqualTo("2024-05-03");
        assertThat(Comparison.defaults()
                        .compare(Optional.of(List.of(1, 2)), List.of(1, 2))
                        .matches())
                .as("Optional by content")
                .isTrue();
        assertThat(Comparison.defaults().compare(Optional.empty(), null).matches())
                .isTrue();
    }

    @Test
    void differencesHaveKindsAndEscapedPathsInTheDocumentedOrder() {
        ComparisonResult result = Comparison.defaults()
                .compare(
                        json("{'z':1,'a/b':{'c~d':1},'':true,'list':[1,2,3],'gone':{'deep':[1]},'t':'1'}"),
                        json("{'z':1,'a/b':{'c~d':2},'':true,'list':[1,2,3,4],'new':null,'t':1}"));

        assertThat(result.outcome()).isEqualTo(ComparisonResult.Outcome.MISMATCH);
        assertThat(result.differences())
                .extracting(Difference::path, Difference::kind)
                .containsExactly(
                        tuple("/a~1b/c~0d", Difference.Kind.CHANGED),
                        tuple("/gone", Difference.Kind.ONLY_OLD),
                        tuple("/list/3", Difference.Kind.ONLY_NEW),
                        tuple("/new", Difference.Kind.ONLY_NEW),
                        tuple("/t", Difference.Kind.TYPE));
        assertThat(Comparison.defaults().compare(json("{'':1}"), json("{'':2}")).differences())
                .extracting(Difference::path)
                .containsExactly("/");
        assertThat(Comparison.defaults().compare(json("1"), json("2")).differences())
                .extracting(Difference::path)
                .containsExactly("");
        assertThat(Comparison.defaults().compare(null, json("{}")).differences())
                .extracting(Difference::kind)
                .containsExactly(Difference.Kind.TYPE);
    }

    @Test
    void arraysCompareByIndex() {
        assertThat(Comparison.defaults()
                        .compare(json("[1,2,3,10]"), json("[1,3,2]"))
                        .differences())
                .extracting(Difference::path, Difference::kind)
                .containsExactly(
                        tuple("/1", Difference.Kind.CHANGED),
                        tuple("/2", Difference.Kind.CHANGED),
                        tuple("/3", Difference.Kind.ONLY_OLD));
    }

    @Test
    void maxDifferencesBoundsTheReportAndSaysSo() {
        ObjectNode old = JSON.createObjectNode();
        ObjectNode changed = JSON.createObjectNode();
        IntStream.range(0, 150).forEach(i -> {
            old.put(String.format("f%03d", i), i);
            changed.put(String.format("f%03d", i), -i - 1);
        });

        ComparisonResult capped = Comparison.builder().maxDifferences(3).build().compare(old, changed);
        assertThat(capped.differences()).extracting(Difference::path).containsExactly("/f000", "/f001", "/f002");
        assertThat(capped.truncated()).isTrue();

        ComparisonResult byDefault = Comparison.defaults().compare(old, changed);
        assertThat(byDefault.differences()).hasSize(100);
        assertThat(byDefault.truncated()).isTrue();

        ComparisonResult exact =
                Comparison.builder().maxDifferences(150).build().compare(old, changed);
        assertThat(exact.differences()).hasSize(150);
        assertThat(exact.truncated()).isFalse();
    }

    @Test
    void treesDeeperThanTheLimitAreAnErrorNotAStackOverflow() {
        JsonNode deep = (JsonNode) NeverThrowsProperties.nestedTree(100_000);
        JsonNode deepToo = (JsonNode) NeverThrowsProperties.nestedTree(100_000);

        ComparisonResult result = Comparison.defaults().compare(deep, deepToo);

        assertThat(result.outcome()).isEqualTo(ComparisonResult.Outcome.ERROR);
        assertThat(result.error()).isEqualTo("cannot compare: the old result nests deeper than 256 levels (maxDepth)");
        JsonNode three = json("{'a':{'a':{'a':1}}}");
        assertThat(Comparison.builder()
                        .maxDepth(3)
                        .build()
                        .compare(three, three)
                        .matches())
                .isTrue();
        assertThat(Comparison.builder()
                        .maxDepth(2)
                        .build()
                        .compare(three, three)
                        .outcome())
                .isEqualTo(ComparisonResult.Outcome.ERROR);
        JsonNode fiveHundred = (JsonNode) NeverThrowsProperties.nestedTree(500);
        assertThat(Comparison.builder()
                        .maxDepth(1000)
                        .build()
                        .compare(fiveHundred, fiveHundred.deepCopy())
                        .matches())
                .isTrue();
    }

    @Test
    void theDeepestAllowedTreeFitsTheStackOfAnOrdinaryThread() throws InterruptedException {
        JsonNode deepest = (JsonNode) NeverThrowsProperties.nestedTree(999);
        Comparison comparison = Comparison.builder().maxDepth(1000).build();
        ComparisonResult[] results = new ComparisonResult[2];
        Thread worker = new Thread(
                () -> {
                    results[0] = comparison.compare(deepest, deepest.deepCopy());
                    results[1] = comparison.compare(deepest, NeverThrowsProperties.nestedTree(998));
                },
                "compare-deep");

        worker.start();
        worker.join();

        assertThat(results[0].outcome()).isEqualTo(ComparisonResult.Outcome.MATCH);
        assertThat(results[1].differences()).extracting(Difference::kind).containsExactly(Difference.Kind.TYPE);
        assertThat(results[1].differences().get(0).path()).hasSize(2 * 998);
    }

    @Test
    void sampleRateIsTheFractionOfReadsCompared() {
        Comparison never = Comparison.builder().sampleRate(0).build();
        Comparison always = Comparison.builder().sampleRate(1).build();
        Comparison quarter = Comparison.builder().sampleRate(0.25).build();
        int draws = 10_000;

        assertThat(IntStream.range(0, draws).filter(i -> never.sampled()).count())
                .isZero();
        assertThat(IntStream.range(0, draws).filter(i -> always.sampled()).count())
                .isEqualTo(draws);
        // expected 2,500 with a standard deviation of about 43: the bound is seven of them
        assertThat(IntStream.range(0, draws).filter(i -> quarter.sampled()).count())
                .isBetween(2_200L, 2_800L);
        assertThat(Comparison.defaults().sampleRate()).isEqualTo(1.0);
    }

    /** A getter that fails, with the data in its message. */
    public static final class Unreadable {
        public String getSsn() {
            throw new IllegalStateException("ssn 078-05-1120 unreadable");
        }
    }

    @Test
    void whatCannotBeComparedIsAnErrorNamingTheStepNotTheData() {
        ComparisonResult unreadable = Comparison.defaults().compare(new Unreadable(), json("{}"));
        assertThat(unreadable.outcome()).isEqualTo(ComparisonResult.Outcome.ERROR);
        assertThat(unreadable.error())
                .startsWith("cannot compare: turning the old result (" + Unreadable.class.getName() + ") into a tree"
                        + " threw java.lang.IllegalArgumentException")
                .endsWith("caused by java.lang.IllegalStateException")
                .doesNotContain("078-05-1120");
        assertThatThrownBy(() -> Comparison.defaults().canonicalize(new Unreadable()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot compare: turning the given result");

        ComparisonResult throwing = Comparison.builder()
                .ignoreFields("x")
                .normalizer(tree -> {
                    throw new UnsupportedOperationException("078-05-1120");
                })
                .build()
                .compare(json("{}"), json("{}"));
        assertThat(throwing.error())
                .startsWith("cannot compare: normalizer 2 of 2 (")
                .contains("on the old result threw java.lang.UnsupportedOperationException");

        ComparisonResult returningNull = Comparison.builder()
                .normalizer(tree -> MissingNode.getInstance().get(0))
                .build()
                .compare(json("{}"), json("{}"));
        assertThat(returningNull.error())
                .startsWith("cannot compare: normalizer 1 of 1 (")
                .endsWith("on the old result returned null");

        ComparisonResult comparatorThrows = Comparison.builder()
                .compareAt("/lines/*", (path, o, n) -> {
                    throw new IllegalStateException(o.toString());
                })
                .build()
                .compare(json("{'lines':[1,2]}"), json("{'lines':[1,3]}"));
        assertThat(comparatorThrows.error())
                .isEqualTo("cannot compare: the comparator registered at /lines/*, at /lines/0,"
                        + " threw java.lang.IllegalStateException");
    }

    @Test
    void comparatorsDecideAtTheirPathsOrDeferWithNull() {
        List<String> asked = new ArrayList<>();
        Comparison comparison = Comparison.builder()
                .compareAt("/people/*/email", (path, o, n) -> {
                    asked.add(path);
                    return o.isTextual() && n.isTextual() ? o.asText().equalsIgnoreCase(n.asText()) : null;
                })
                .compareAt("/version", (path, o, n) -> true)
                .compareAt("/strict", (path, o, n) -> false)
                .build();

        ComparisonResult result = comparison.compare(
                json("{'people':[{'email':'A@X.ORG'},{'email':'b@x.org'},{'email':null}],'version':1,'strict':1}"),
                json("{'people':[{'email':'a@x.org'},{'email':'c@x.org'},{}],'version':2,'strict':1}"));

        assertThat(result.differences())
                .extracting(Difference::path, Difference::kind)
                .containsExactly(
                        tuple("/people/1/email", Difference.Kind.CHANGED),
                        tuple("/people/2/email", Difference.Kind.ONLY_OLD),
                        tuple("/strict", Difference.Kind.CHANGED));
        assertThat(asked).containsExactly("/people/0/email", "/people/1/email", "/people/2/email");
        List<JsonNode> seen = new ArrayList<>();
        Comparison.builder()
                .compareAt("/a", (p, o, n) -> {
                    seen.add(o);
                    seen.add(n);
                    return null;
                })
                .build()
                .compare(json("{}"), json("{'a':1}"));
        assertThat(seen.get(0)).isEqualTo(MissingNode.getInstance());
        assertThat(seen.get(1).isBigDecimal())
                .as("canonical form: numbers as decimals")
                .isTrue();
        assertThat(seen.get(1).intValue()).isEqualTo(1);
    }

    @Test
    void valuesAreHashedWithAKeyOfTheirOwnAndShownOnlyWhenRevealed() {
        Comparison one = Comparison.defaults();
        Comparison two = Comparison.defaults();
        JsonNode value = json("'Jane Doe'");

        Difference hidden = one.compare(json("{'name':'Jane Doe'}"), json("{'name':'John Doe'}"))
                .differences()
                .get(0);
        assertThat(hidden.oldValue()).isNull();
        assertThat(hidden.newValue()).isNull();
        assertThat(hidden.oldHash()).isEqualTo(one.hash(value)).hasSize(16).isNotEqualTo(hidden.newHash());
        assertThat(two.hash(value)).as("keys differ per comparison").isNotEqualTo(one.hash(value));

        Difference shown = Comparison.builder()
                .revealValues(true)
                .build()
                .compare(json("{'name':'Jane Doe'}"), json("{}"))
                .differences()
                .get(0);
        assertThat(shown.oldValue()).isEqualTo("\"Jane Doe\"");
        assertThat(shown.newValue()).isNull();
        assertThat(shown.newHash()).isNull();
    }

    @Test
    void inputTreesAreNeverModified() {
        JsonNode old = json("{'a':null,'ts':'2024-05-01T10:15:30.123456Z','n':1.005,'list':[3,1,2],'etag':'x'}");
        JsonNode copy = old.deepCopy();

        Comparison.builder()
                .ignoreFields("etag")
                .nullEqualsAbsent()
                .timestampPrecision(ChronoUnit.SECONDS)
                .numericScale(2)
                .unorderedArrays()
                .build()
                .compare(old, json("{}"));

        assertThat(old).isEqualTo(copy);
        assertThat(old.toString()).isEqualTo(copy.toString());
    }

    @Test
    void aGivenMapperIsUsed() {
        ObjectMapper plain = new ObjectMapper();
        ComparisonResult result =
                Comparison.builder().objectMapper(plain).build().compare(Optional.of(1), Optional.of(1));

        assertThat(result.outcome()).as("Optional without Jdk8Module").isEqualTo(ComparisonResult.Outcome.ERROR);
        assertThat(result.error()).contains("java.util.Optional");
    }

    @Test
    void resultRecordKeepsItsOriginalConstructor() {
        ComparisonResult result = new ComparisonResult(ComparisonResult.Outcome.MISMATCH, List.of(), null);

        assertThat(result.truncated()).isFalse();
        assertThat(result.matches()).isFalse();
        assertThat(Comparison.defaults().compare(json("{'b':1,'a':[1]}"), json("{'a':[1.0],'b':1}")))
                .isEqualTo(new ComparisonResult(ComparisonResult.Outcome.MATCH, List.of(), null));
    }
}
