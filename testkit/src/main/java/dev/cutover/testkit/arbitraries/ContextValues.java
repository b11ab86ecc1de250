package dev.cutover.testkit.arbitraries;

import static dev.cutover.testkit.arbitraries.FlagArbitraries.CONTEXT_KEYS;
import static dev.cutover.testkit.arbitraries.FlagArbitraries.VERSIONS;
import static dev.cutover.testkit.arbitraries.FlagArbitraries.obj;
import static dev.cutover.testkit.arbitraries.FlagArbitraries.w;
import static dev.cutover.testkit.arbitraries.FlagArbitraries.weighted;

import dev.cutover.flags.EvaluationContext;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.jspecify.annotations.Nullable;

/**
 * Values of the context attributes in {@link FlagArbitraries#ATTRIBUTES}, shared by the contexts
 * and the clauses {@link FlagArbitraries} generates so that they match often.
 */
final class ContextValues {
    static final List<String> COUNTRIES = List.of("DE", "FR", "US", "GB", "JP");
    private static final List<String> PLANS = List.of("free", "pro", "enterprise");
    private static final List<String> EMAILS =
            List.of("ana@cutover.dev", "bo@example.com", "ops@cutover.dev", "lee@test.org");

    private ContextValues() {}

    /** A context attribute value: mostly of the attribute's type, rarely of a wrong one. */
    static Arbitrary<Object> attributeValue(String attribute) {
        Arbitrary<Object> wrong = obj(Arbitraries.of("three", "not-a-version", "", "1.5"));
        Arbitrary<Object> wrongType = switch (attribute) {
            case "tier", "score" -> wrong;
            case "appVersion" ->
                weighted(w(1, wrong), w(1, obj(Arbitraries.integers().between(1, 3))));
            case "beta" -> obj(Arbitraries.of("true", "yes"));
            default -> obj(Arbitraries.integers().between(0, 9));
        };
        return weighted(w(12, domainValue(attribute)), w(1, wrongType));
    }

    static void setAttribute(EvaluationContext.Builder b, String name, @Nullable Object v) {
        if (v instanceof String s) {
            b.set(name, s);
        } else if (v instanceof Number n) {
            b.set(name, n);
        } else if (v instanceof Boolean bool) {
            b.set(name, bool.booleanValue());
        }
    }

    /** Values of the attribute's type, as rules and contexts use them. */
    static Arbitrary<Object> domainValue(String attribute) {
        return switch (attribute) {
            case "country" -> obj(Arbitraries.of(COUNTRIES));
            case "plan" -> obj(Arbitraries.of(PLANS));
            case "email" -> obj(Arbitraries.of(EMAILS));
            case "tier" -> obj(Arbitraries.integers().between(0, 5));
            case "score" ->
                weighted(w(1, obj(Arbitraries.of(0.0, 0.5, 12.75, 50.0, 99.9))), w(1, obj(decimals(-10, 110, 2))));
            case "beta" -> obj(Arbitraries.of(true, false));
            case "appVersion" -> obj(Arbitraries.of(VERSIONS));
            case "key" -> obj(Arbitraries.of(CONTEXT_KEYS));
            case "region" -> obj(Arbitraries.of("eu", "us"));
            default -> throw new IllegalArgumentException("no domain for attribute " + attribute);
        };
    }

    static Arbitrary<Double> decimals(int min, int max, int scale) {
        return Arbitraries.bigDecimals()
                .between(BigDecimal.valueOf(min), BigDecimal.valueOf(max))
                .ofScale(scale)
                .map(BigDecimal::doubleValue);
    }
}
