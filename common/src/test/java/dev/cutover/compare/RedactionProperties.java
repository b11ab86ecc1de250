package dev.cutover.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Redaction holds for any generated value: with values hidden (the default), no string value of
 * either result (four characters or more, raw or JSON-escaped) appears in the result's text;
 * revealed, every string inside a differing value does.
 */
class RedactionProperties {

    @Provide
    Arbitrary<JsonNode> documents() {
        return JsonTrees.documents(3);
    }

    @Property(tries = 300)
    void hiddenValuesNeverAppear(
            @ForAll("documents") JsonNode a,
            @ForAll("documents") JsonNode other,
            @ForAll Random random,
            @ForAll @IntRange(min = 1, max = 5) int count) {
        JsonNode b = random.nextBoolean() ? Mutations.mutate(a, random, count).tree() : other;
        ComparisonResult result = Comparison.defaults().compare(a, b);
        String text = result.toString();

        List<String> values = new ArrayList<>(JsonTrees.stringLeaves(a));
        values.addAll(JsonTrees.stringLeaves(b));
        values.removeIf(v -> v.length() < 4);
        Statistics.label("string values checked").collect(!values.isEmpty() && !result.matches());
        for (String value : values) {
            assertThat(text).doesNotContain(value).doesNotContain(escaped(value));
        }
        for (Difference d : result.differences()) {
            assertThat(d.oldValue()).isNull();
            assertThat(d.newValue()).isNull();
        }
        Statistics.label("string values checked")
                .coverage(check -> check.check(true).percentage(p -> p > 50));
    }

    @Property(tries = 200)
    void revealedValuesAppear(
            @ForAll("documents") JsonNode a, @ForAll Random random, @ForAll @IntRange(min = 1, max = 5) int count) {
        Comparison comparison = Comparison.builder().revealValues(true).build();
        JsonNode b = Mutations.mutate(a, random, count).tree();
        ComparisonResult result = comparison.compare(a, b);
        String text = result.toString();
        JsonNode oldForm = comparison.canonicalize(a);
        JsonNode newForm = comparison.canonicalize(b);

        int checked = 0;
        for (Difference d : result.differences()) {
            for (JsonNode side : List.of(JsonTrees.at(oldForm, d.path()), JsonTrees.at(newForm, d.path()))) {
                for (String value : JsonTrees.stringLeaves(side)) {
                    assertThat(text).contains(escaped(value));
                    checked++;
                }
            }
        }
        Statistics.label("revealed strings checked").collect(checked > 0);
        Statistics.label("revealed strings checked")
                .coverage(check -> check.check(true).percentage(p -> p > 30));
    }

    /** A string as it appears inside JSON text, without the quotes. */
    private static String escaped(String value) {
        String quoted = TextNode.valueOf(value).toString();
        return quoted.substring(1, quoted.length() - 1);
    }
}
