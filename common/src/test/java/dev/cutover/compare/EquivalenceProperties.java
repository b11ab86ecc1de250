package dev.cutover.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Normalizers form an equivalence, for any configuration of the built-ins: reflexive, symmetric
 * and transitive; normalizing is idempotent; and {@code compare} matches exactly when the
 * canonical forms are equal. Transitivity is checked on chains of perturbations (trees rewritten
 * in ways the configuration must absorb), so the equal case is exercised, not just random pairs
 * that are almost never equivalent.
 */
class EquivalenceProperties {

    @Provide
    Arbitrary<JsonNode> documents() {
        return JsonTrees.documents(3);
    }

    @Provide
    Arbitrary<RandomConfig> configs() {
        return RandomConfig.configs();
    }

    @Property(tries = 200)
    void reflexive(@ForAll("documents") JsonNode a, @ForAll("configs") RandomConfig config) {
        Comparison comparison = config.comparison();
        assertThat(comparison.compare(a, a).outcome()).isEqualTo(ComparisonResult.Outcome.MATCH);
        assertThat(comparison.compare(a, a.deepCopy()).outcome()).isEqualTo(ComparisonResult.Outcome.MATCH);
    }

    @Property(tries = 300)
    void perturbationsAreEquivalentAndChainsOfThemTransitive(
            @ForAll("documents") JsonNode a, @ForAll("configs") RandomConfig config, @ForAll Random random) {
        Comparison comparison = config.comparison();
        JsonNode b = config.perturb(a, random);
        JsonNode c = config.perturb(b, random);
        Statistics.label("b differs from a as a tree").collect(!a.equals(b));

        assertThat(comparison.compare(a, b).differences())
                .as("a ~ b under %s", config)
                .isEmpty();
        assertThat(comparison.compare(b, c).differences())
                .as("b ~ c under %s", config)
                .isEmpty();
        ComparisonResult ac = comparison.compare(a, c);
        assertThat(ac.differences()).as("a ~ c under %s", config).isEmpty();
        assertThat(ac.outcome()).isEqualTo(ComparisonResult.Outcome.MATCH);

        Statistics.label("b differs from a as a tree")
                .coverage(check -> check.check(true).percentage(p -> p > 40));
    }

    @Property(tries = 300)
    void symmetricWithMirroredDifferences(
            @ForAll("documents") JsonNode a,
            @ForAll("documents") JsonNode other,
            @ForAll("configs") RandomConfig config,
            @ForAll Random random) {
        Comparison comparison = config.comparison();
        JsonNode b = variant(a, other, config, random);
        ComparisonResult ab = comparison.compare(a, b);
        ComparisonResult ba = comparison.compare(b, a);
        Statistics.label("outcome").collect(ab.outcome());

        assertThat(ba.outcome()).isEqualTo(ab.outcome());
        assertThat(ba.truncated()).isEqualTo(ab.truncated());
        assertThat(ba.differences()).isEqualTo(mirror(ab.differences()));

        Statistics.label("outcome").coverage(check -> {
            check.check(ComparisonResult.Outcome.MATCH).percentage(p -> p > 20);
            check.check(ComparisonResult.Outcome.MISMATCH).percentage(p -> p > 20);
        });
    }

    @Property(tries = 300)
    void matchesExactlyWhenCanonicalFormsAreEqual(
            @ForAll("documents") JsonNode a,
            @ForAll("documents") JsonNode other,
            @ForAll("configs") RandomConfig config,
            @ForAll Random random) {
        Comparison comparison = config.comparison();
        JsonNode b = variant(a, other, config, random);
        boolean equalForms = comparison.canonicalize(a).equals(comparison.canonicalize(b));
        ComparisonResult result = comparison.compare(a, b);
        Statistics.label("canonical forms equal").collect(equalForms);

        assertThat(result.matches()).isEqualTo(equalForms);
        assertThat(result.differences().isEmpty()).isEqualTo(equalForms);

        Statistics.label("canonical forms equal").coverage(check -> {
            check.check(true).percentage(p -> p > 20);
            check.check(false).percentage(p -> p > 20);
        });
    }

    @Property(tries = 300)
    void normalizingIsIdempotent(@ForAll("documents") JsonNode a, @ForAll("configs") RandomConfig config) {
        Comparison comparison = config.comparison();
        JsonNode once = comparison.canonicalize(a);
        assertThat(comparison.canonicalize(once)).as("under %s", config).isEqualTo(once);
    }

    @Property(tries = 200)
    void eachBuiltInIsIdempotentAndLeavesItsInputAlone(@ForAll("documents") JsonNode a) {
        JsonNode before = a.deepCopy();
        for (Normalizer normalizer : List.of(
                Normalizers.ignoreFields("a", "m~n"),
                Normalizers.ignorePaths("/*/b", "/p~1q"),
                Normalizers.timestampPrecision(ChronoUnit.SECONDS, "ts"),
                Normalizers.numericScale(1),
                Normalizers.unorderedArrays(),
                Normalizers.unorderedArrays("/*"),
                Normalizers.nullEqualsAbsent())) {
            JsonNode once = normalizer.normalize(a);
            assertThat(normalizer.normalize(once)).as("%s", normalizer).isEqualTo(once);
        }
        assertThat(a).isEqualTo(before);
    }

    /** A perturbation (equivalent), a mutation (usually not), a mutated perturbation, or another tree. */
    static JsonNode variant(JsonNode a, JsonNode other, RandomConfig config, Random random) {
        return switch (random.nextInt(4)) {
            case 0, 1 -> config.perturb(a, random);
            case 2 ->
                Mutations.mutate(config.perturb(a, random), random, 1 + random.nextInt(3))
                        .tree();
            default -> other;
        };
    }

    /** The differences of compare(b, a), given those of compare(a, b). */
    static List<Difference> mirror(List<Difference> differences) {
        return differences.stream()
                .map(d -> new Difference(
                        d.path(),
                        switch (d.kind()) {
                            case ONLY_OLD -> Difference.Kind.ONLY_NEW;
                            case ONLY_NEW -> Difference.Kind.ONLY_OLD;
                            default -> d.kind();
                        },
                        d.newHash(),
                        d.oldHash(),
                        d.newValue(),
                        d.oldValue()))
                .toList();
    }
}
