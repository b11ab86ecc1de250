package dev.cutover.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each built-in normalizer on examples, and the checks on its settings. */
class NormalizersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static boolean equivalent(Comparison comparison, String oldJson, String newJson) {
        return comparison.compare(json(oldJson), json(newJson)).matches();
    }

    private static List<String> paths(Comparison comparison, String oldJson, String newJson) {
        return comparison.compare(json(oldJson), json(newJson)).differences().stream()
                .map(Difference::path)
                .toList();
    }

    @Test
    void ignoreFieldsRemovesTheNamedFieldsAtAnyDepth() {
        Comparison comparison = Comparison.builder().ignoreFields("etag").build();

        assertThat(comparison
                        .compare(
                                json("{'id':1,'etag':'x','lines':[{'etag':'y','qty':1}]}"),
                                json("{'id':1,'etag':'z','lines':[{'qty':1}]}"))
                        .matches())
                .isTrue();
        assertThat(paths(comparison, "{'id':1,'etag':'x'}", "{'id':2}")).containsExactly("/id");
    }

    @Test
    void ignorePathsTakesWildcardsAndKeepsArrayPositions() {
        Comparison comparison = Comparison.builder()
                .ignorePaths("/lines/*/updatedAt", "/tags/0", "/a~1b")
                .build();

        assertThat(comparison
                        .compare(
                                json(
                                        "{'lines':[{'sku':'A','updatedAt':1},{'sku':'B','updatedAt':2}],'tags':['x','same'],'a/b':1}"),
                                json("{'lines':[{'sku':'A','updatedAt':9},{'sku':'B'}],'tags':['y','same']}"))
                        .matches())
                .isTrue();
        // element 0 is ignored, element 1 is still compared with element 1
        assertThat(paths(comparison, "{'tags':['x','one']}", "{'tags':['y','two']}"))
                .containsExactly("/tags/1");
        assertThat(paths(comparison, "{'lines':[{'sku':'A','updatedAt':1}]}", "{'lines':[{'sku':'B','updatedAt':1}]}"))
                .containsExactly("/lines/0/sku");
    }

    @Test
    void timestampPrecisionTruncatesIsoStrings() {
        Comparison millis =
                Comparison.builder().timestampPrecision(ChronoUnit.MILLIS).build();

        assertThat(equivalent(millis, "{'at':'2024-05-01T10:15:30.123456Z'}", "{'at':'2024-05-01T10:15:30.123Z'}"))
                .isTrue();
        assertThat(equivalent(millis, "{'at':'2024-05-01T10:15:30.123456Z'}", "{'at':'2024-05-01T10:15:30.124Z'}"))
                .isFalse();
        // UTC written as an offset is the same value
        assertThat(equivalent(millis, "{'at':'2024-05-01T10:15:30Z'}", "{'at':'2024-05-01T10:15:30.000+00:00'}"))
                .isTrue();
        // another offset is kept: the same instant written with two offsets stays different
        assertThat(equivalent(millis, "{'at':'2024-05-01T10:15:30Z'}", "{'at':'2024-05-01T12:15:30+02:00'}"))
                .isFalse();
        assertThat(equivalent(
                        millis, "{'at':'2024-05-01T12:15:30.1239+02:00'}", "{'at':'2024-05-01T12:15:30.123+02:00'}"))
                .isTrue();
        assertThat(equivalent(millis, "{'at':'2024-05-01T10:15:30.1239'}", "{'at':'2024-05-01T10:15:30.123'}"))
                .isTrue();
    }

    @Test
    void timestampPrecisionLeavesOtherStringsAndNumbersAlone() {
        Comparison days =
                Comparison.builder().timestampPrecision(ChronoUnit.DAYS).build();

        assertThat(equivalent(days, "{'at':'2024-05-01T10:15:30Z'}", "{'at':'2024-05-01T23:59:59.999Z'}"))
                .isTrue();
        assertThat(equivalent(days, "{'code':'2024-13-45T99:99'}", "{'code':'2024-13-45T99:98'}"))
                .isFalse();
        assertThat(equivalent(days, "{'code':'abcd-ef-ghTij:kl'}", "{'code':'abcd-ef-ghTij:km'}"))
                .isFalse();
        // a number is epoch milliseconds only in a field named for it
        assertThat(equivalent(days, "{'n':1714521600000}", "{'n':1714521600001}"))
                .isFalse();
    }

    @Test
    void epochMillisAreTruncatedOnlyInTheNamedFields() {
        Comparison seconds = Comparison.builder()
                .timestampPrecision(ChronoUnit.SECONDS, "createdAt")
                .build();

        assertThat(equivalent(seconds, "{'createdAt':1714558530123}", "{'createdAt':1714558530999}"))
                .isTrue();
        assertThat(equivalent(seconds, "{'createdAt':1714558530123}", "{'createdAt':1714558531000}"))
                .isFalse();
        assertThat(equivalent(seconds, "{'createdAt':1714558530123.9}", "{'createdAt':1714558530000}"))
                .isTrue();
        assertThat(equivalent(seconds, "{'other':1714558530123}", "{'other':1714558530999}"))
                .isFalse();
        assertThat(paths(seconds, "{'x':{'createdAt':1}}", "{'x':{'createdAt':1000}}"))
                .containsExactly("/x/createdAt");
    }

    @Test
    void numericScaleRoundsHalfToEven() {
        Comparison two = Comparison.builder().numericScale(2).build();

        assertThat(two.compare(DoubleNode.valueOf(0.1 + 0.2), DoubleNode.valueOf(0.3))
                        .matches())
                .isTrue();
        assertThat(equivalent(two, "0.125", "0.12")).isTrue();
        assertThat(equivalent(two, "0.135", "0.14")).isTrue();
        assertThat(equivalent(two, "0.0049", "0.0051"))
                .as("a bucket edge lies between them")
                .isFalse();
        assertThat(equivalent(two, "1.004", "1")).isTrue();
        assertThat(Comparison.builder()
                        .numericScale(0)
                        .build()
                        .compare(json("2.5"), json("2"))
                        .matches())
                .isTrue();
    }

    @Test
    @Timeout(5)
    void numericScaleCopesWithExtremeExponents() {
        Comparison two = Comparison.builder().numericScale(2).build();

        assertThat(two.compare(DecimalNode.valueOf(new BigDecimal("1E-999999999")), IntNode.valueOf(0))
                        .matches())
                .isTrue();
        assertThat(two.compare(
                                DecimalNode.valueOf(new BigDecimal("1E+999999999")),
                                DecimalNode.valueOf(new BigDecimal("10E+999999998")))
                        .matches())
                .isTrue();
    }

    @Test
    void numbersCompareByValueWithoutAnyNormalizer() {
        Comparison comparison = Comparison.defaults();

        assertThat(comparison.compare(IntNode.valueOf(1), LongNode.valueOf(1)).matches())
                .isTrue();
        assertThat(comparison
                        .compare(IntNode.valueOf(1), DoubleNode.valueOf(1.0))
                        .matches())
                .isTrue();
        assertThat(comparison
                        .compare(IntNode.valueOf(100), DecimalNode.valueOf(new BigDecimal("100.00")))
                        .matches())
                .isTrue();
        assertThat(comparison
                        .compare(FloatNode.valueOf(0.1f), DoubleNode.valueOf(0.1))
                        .matches())
                .isTrue();
        assertThat(comparison
                        .compare(DoubleNode.valueOf(Double.NaN), DoubleNode.valueOf(Double.NaN))
                        .matches())
                .isTrue();
        assertThat(comparison
                        .compare(DoubleNode.valueOf(Double.NaN), json("'NaN'"))
                        .matches())
                .isFalse();
        assertThat(comparison.hash(IntNode.valueOf(100)))
                .isEqualTo(comparison.hash(DecimalNode.valueOf(new BigDecimal("100.00"))));
        assertThat(comparison
                        .canonicalize(DecimalNode.valueOf(new BigDecimal("100.00")))
                        .toString())
                .isEqualTo("100");
    }

    @Test
    void embeddedObjectsBinaryAndMissingNodesHaveACanonicalForm() {
        Comparison comparison = Comparison.defaults();
        JsonNodeFactory f = JsonNodeFactory.instance;

        assertThat(comparison
                        .compare(f.pojoNode(Map.of("a", 1)), json("{'a':1}"))
                        .matches())
                .isTrue();
        assertThat(comparison
                        .compare(f.binaryNode(new byte[] {1, 2, 3}), f.textNode("AQID"))
                        .matches())
                .isTrue();
        ObjectNode withMissing = f.objectNode();
        withMissing.set("gone", MissingNode.getInstance());
        withMissing.put("kept", 1);
        assertThat(comparison.compare(withMissing, json("{'kept':1}")).matches())
                .isTrue();
        assertThat(comparison
                        .compare(f.arrayNode().add(MissingNode.getInstance()), json("[null]"))
                        .matches())
                .isTrue();
    }

    @Test
    void unorderedArraysCompareAsMultisets() {
        Comparison all = Comparison.builder().unorderedArrays().build();

        assertThat(equivalent(all, "{'tags':['a','b',{'x':[2,1]}]}", "{'tags':[{'x':[1,2.0]},'b','a']}"))
                .isTrue();
        assertThat(equivalent(all, "[1,1,2]", "[1,2,2]")).as("duplicates count").isFalse();
        assertThat(equivalent(all, "[1.0,2]", "[2,1.00]"))
                .as("numbers sort by value")
                .isTrue();
    }

    @Test
    void unorderedArraysAtPathsLeaveTheOthersOrdered() {
        Comparison tags =
                Comparison.builder().unorderedArrays("/tags", "/lines/*/codes").build();

        assertThat(equivalent(
                        tags,
                        "{'tags':['a','b'],'lines':[{'codes':[1,2]}]}",
                        "{'tags':['b','a'],'lines':[{'codes':[2,1]}]}"))
                .isTrue();
        assertThat(paths(tags, "{'order':['a','b']}", "{'order':['b','a']}")).containsExactly("/order/0", "/order/1");
    }

    @Test
    void unorderedArraysReportElementsWithoutCounterpart() {
        Comparison all = Comparison.builder().unorderedArrays().build();

        ComparisonResult result = all.compare(json("['c','a','b']"), json("['b','d','a']"));

        assertThat(result.differences())
                .extracting(Difference::path, Difference::kind)
                .containsExactly(tuple("/2", Difference.Kind.ONLY_OLD), tuple("/2", Difference.Kind.ONLY_NEW));
    }

    @Test
    void nullEqualsAbsentRemovesNullFieldsButNotNullElements() {
        Comparison comparison = Comparison.builder().nullEqualsAbsent().build();

        assertThat(equivalent(comparison, "{'a':null,'b':{'c':null}}", "{'b':{}}"))
                .isTrue();
        assertThat(equivalent(comparison, "{'list':[null,1]}", "{'list':[1]}")).isFalse();
        assertThat(Comparison.defaults().compare(json("{'a':null}"), json("{}")).matches())
                .isFalse();
    }

    @Test
    void normalizersRunInTheOrderConfigured() {
        Normalizer renameOld = tree -> tree.has("old") ? JSON.createObjectNode().set("renamed", tree.get("old")) : tree;
        Comparison renameThenIgnore = Comparison.builder()
                .normalizer(renameOld)
                .ignoreFields("renamed")
                .build();
        Comparison ignoreThenRename = Comparison.builder()
                .ignoreFields("renamed")
                .normalizer(renameOld)
                .build();

        assertThat(equivalent(renameThenIgnore, "{'old':1}", "{}")).isTrue();
        assertThat(equivalent(ignoreThenRename, "{'old':1}", "{}")).isFalse();
    }

    @Test
    void andThenChainsNormalizers() {
        Normalizer chain = Normalizers.ignoreFields("a").andThen(Normalizers.nullEqualsAbsent());

        assertThat(chain.normalize(json("{'a':1,'b':null,'c':2}"))).isEqualTo(json("{'c':2}"));
    }

    @Test
    void builtInsDescribeThemselves() {
        assertThat(Normalizers.ignoreFields("a", "b")).hasToString("ignoreFields[a, b]");
        assertThat(Normalizers.numericScale(2)).hasToString("numericScale(2)");
        assertThat(Comparison.builder()
                        .ignorePaths("/x")
                        .unorderedArrays()
                        .build()
                        .toString())
                .contains("ignorePaths[/x]", "unorderedArrays()");
    }

    @Test
    void settingsAreCheckedAndTheBadValueNamed() {
        Comparison.Builder builder = Comparison.builder();

        assertThatThrownBy(() -> builder.ignoreFields())
                .hasMessage("ignoreFields needs at least one name but was empty");
        assertThatThrownBy(() -> builder.ignoreFields("a", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ignoreFields[1]");
        assertThatThrownBy(() -> builder.ignorePaths("lines/0")).hasMessageContaining("but was \"lines/0\"");
        assertThatThrownBy(() -> builder.ignorePaths("")).hasMessageContaining("but was \"\"");
        assertThatThrownBy(() -> builder.ignorePaths("/a~2b")).hasMessageContaining("but was \"/a~2b\"");
        assertThatThrownBy(() -> builder.ignorePaths("/a~")).hasMessageContaining("but was \"/a~\"");
        assertThatThrownBy(() -> builder.unorderedArrays(new String[0])).hasMessageContaining("but was empty");
        assertThatThrownBy(() -> builder.timestampPrecision(ChronoUnit.WEEKS))
                .hasMessage("timestampPrecision must be DAYS or shorter but was Weeks");
        assertThatThrownBy(() -> builder.numericScale(-1)).hasMessage("numericScale must be >= 0 but was -1");
        assertThatThrownBy(() -> builder.maxDifferences(0)).hasMessage("maxDifferences must be >= 1 but was 0");
        assertThatThrownBy(() -> builder.maxDepth(1001)).hasMessage("maxDepth must be between 1 and 1000 but was 1001");
        assertThatThrownBy(() -> builder.sampleRate(1.5)).hasMessage("sampleRate must be between 0 and 1 but was 1.5");
        assertThatThrownBy(() -> builder.recheckAfter(Duration.ofMillis(-1)))
                .hasMessage("recheckAfter must be >= 0 but was PT-0.001S");
        assertThatThrownBy(() -> builder.compareAt("x", (p, o, n) -> null)).hasMessageContaining("but was \"x\"");
        assertThat(builder.unorderedArrays("").ignorePaths("/~0~1").build()).isNotNull();
    }
}
