package dev.cutover.flags;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An ordered targeting rule: when every clause matches, the rule serves its variant or rollout.
 * Rules are tried in order; the first match wins.
 *
 * <pre>{@code
 * new Rule(List.of(Clause.of("plan", Operator.EQUALS, "enterprise")), Serve.variant("on"), "big customers")
 * }</pre>
 *
 * @param clauses conditions, all of which must match (at least one)
 * @param serve what a match serves
 * @param description optional note for operators
 * @since 0.1.0
 */
public record Rule(
        List<Clause> clauses, Serve serve, @Nullable String description) {

    /** Validates and copies the clauses. */
    public Rule {
        clauses = List.copyOf(Objects.requireNonNull(clauses, "clauses"));
        Objects.requireNonNull(serve, "serve");
        if (clauses.isEmpty()) {
            throw new IllegalArgumentException("a rule needs at least one clause");
        }
    }

    /** A rule without description. */
    public static Rule when(Serve serve, Clause... clauses) {
        return new Rule(List.of(clauses), serve, null);
    }
}
