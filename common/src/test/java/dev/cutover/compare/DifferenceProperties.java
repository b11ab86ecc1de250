package dev.cutover.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.compare.Mutations.Expected;
import dev.cutover.compare.Mutations.Mutated;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Differences name exactly the differing paths: after known modifications at known paths (a
 * changed leaf, a value of another type, a removed field, an added field or element), the
 * comparison reports each path once, with its kind, and nothing else, in the documented order;
 * and each difference's hashes and revealed values are those of the values at its path.
 */
class DifferenceProperties {

    @Provide
    Arbitrary<JsonNode> documents() {
        return JsonTrees.documents(3);
    }

    @Property(tries = 400)
    void differencesNameExactlyTheModifiedPaths(
            @ForAll("documents") JsonNode a, @ForAll Random random, @ForAll @IntRange(min = 1, max = 6) int count) {
        Mutated mutated = Mutations.mutate(a, random, count);
        ComparisonResult result = Comparison.defaults().compare(a, mutated.tree());

        Set<Expected> reported = result.differences().stream()
                .map(d -> new Expected(d.path(), d.kind()))
                .collect(Collectors.toSet());
        assertThat(reported).isEqualTo(mutated.expected());
        assertThat(result.differences()).hasSize(mutated.expected().size());
        assertThat(result.outcome()).isEqualTo(ComparisonResult.Outcome.MISMATCH);
        assertThat(result.truncated()).isFalse();
        assertThat(result.differences())
                .isSortedAccordingTo(Comparator.comparing(Difference::path, DifferenceProperties::documentedOrder));
    }

    @Property(tries = 200)
    void hashesAndRevealedValuesAreThoseAtThePath(
            @ForAll("documents") JsonNode a, @ForAll Random random, @ForAll @IntRange(min = 1, max = 4) int count) {
        Comparison comparison = Comparison.builder().revealValues(true).build();
        JsonNode b = Mutations.mutate(a, random, count).tree();
        JsonNode oldForm = comparison.canonicalize(a);
        JsonNode newForm = comparison.canonicalize(b);

        for (Difference d : comparison.compare(a, b).differences()) {
            JsonNode oldValue = JsonTrees.at(oldForm, d.path());
            JsonNode newValue = JsonTrees.at(newForm, d.path());
            assertThat(d.oldValue()).isEqualTo(oldValue.isMissingNode() ? null : oldValue.toString());
            assertThat(d.newValue()).isEqualTo(newValue.isMissingNode() ? null : newValue.toString());
            assertThat(d.oldHash()).isEqualTo(oldValue.isMissingNode() ? null : comparison.hash(oldValue));
            assertThat(d.newHash()).isEqualTo(newValue.isMissingNode() ? null : comparison.hash(newValue));
        }
    }

    /**
     * The documented order on paths: segment by segment, field names by String order, array
     * indices by number (generated field names hold no digits, so a numeric segment is an index).
     */
    static int documentedOrder(String left, String right) {
        List<String> l = List.of(left.split("/", -1));
        List<String> r = List.of(right.split("/", -1));
        for (int i = 1; i < Math.min(l.size(), r.size()); i++) {
            String x = unescape(l.get(i));
            String y = unescape(r.get(i));
            int order = x.matches("\\d+") && y.matches("\\d+")
                    ? Integer.compare(Integer.parseInt(x), Integer.parseInt(y))
                    : x.compareTo(y);
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(l.size(), r.size());
    }

    private static String unescape(String segment) {
        return segment.replace("~1", "/").replace("~0", "~");
    }
}
