package dev.cutover.benchmarks;

import java.util.List;

/**
 * The two flags every system is configured with, and the one subject the benchmarks evaluate.
 *
 * <ul>
 *   <li>{@value #PLAIN_BOOLEAN}: on, serves {@code true} to everyone.
 *   <li>{@value #RULES_ROLLOUT}: on, with three rules tried in order, each serving {@code true}:
 *       <ol>
 *         <li>{@code country} in {@link #RULE1_COUNTRIES};
 *         <li>{@code plan} in {@link #RULE2_PLANS};
 *         <li>{@code email} ends with {@value #RULE3_EMAIL_SUFFIX};
 *       </ol>
 *       and otherwise a sticky rollout bucketed by the targeting key: {@value #ROLLOUT_PERCENT}%
 *       {@code true}, the rest {@code false}.
 * </ul>
 *
 * <p>{@link #BENCHMARK_SUBJECT} matches none of the rules, so every rule is evaluated before the
 * rollout decides.
 */
public final class BenchmarkFlags {

    /** Key of the plain on/off flag. */
    public static final String PLAIN_BOOLEAN = "plain-boolean";

    /** Key of the flag with three rules and a percentage rollout. */
    public static final String RULES_ROLLOUT = "rules-rollout";

    /** Rule 1: these countries get {@code true}. */
    public static final List<String> RULE1_COUNTRIES = List.of("DE", "FR");

    /** Rule 2: these plans get {@code true}. */
    public static final List<String> RULE2_PLANS = List.of("enterprise", "partner");

    /** Rule 3: e-mail addresses with this suffix get {@code true}. */
    public static final String RULE3_EMAIL_SUFFIX = "@cutover.dev";

    /** Share of the remaining subjects that get {@code true}, in percent. */
    public static final int ROLLOUT_PERCENT = 10;

    /**
     * The subject every benchmark evaluates: matches no rule, and falls in the 90% {@code false} part
     * of the rollout in every system (checked by the tests).
     */
    public static final Subject BENCHMARK_SUBJECT = new Subject("customer-1003", "US", "free", "jane.doe@example.com");

    private BenchmarkFlags() {}

    /**
     * Whether rule 1, 2 or 3 matches, for the systems whose rules are written in Java (Togglz, FF4j,
     * OpenFeature). Missing or non-string attributes never match.
     */
    public static boolean matchesRules(Object country, Object plan, Object email) {
        return (country instanceof String c && RULE1_COUNTRIES.contains(c))
                || (plan instanceof String p && RULE2_PLANS.contains(p))
                || (email instanceof String e && e.endsWith(RULE3_EMAIL_SUFFIX));
    }
}
