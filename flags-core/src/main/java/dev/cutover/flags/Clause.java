package dev.cutover.flags;

import java.util.List;
import java.util.Objects;

/**
 * One condition of a {@link Rule}: {@code attribute operator values}, optionally negated. The
 * clause matches when the context attribute compares true with any of the values; a missing
 * attribute never matches (and so matches when negated).
 *
 * <pre>{@code
 * Clause.of("country", Operator.IN, "DE", "FR")
 * Clause.of("appVersion", Operator.SEMVER_LESS_THAN, "2.0.0").negated()
 * }</pre>
 *
 * @param attribute context attribute name; {@code key} is the context's targeting key
 * @param operator the comparison
 * @param values strings, numbers or booleans, at least one
 * @param negate whether the result is inverted
 * @since 0.1.0
 */
public record Clause(String attribute, Operator operator, List<Object> values, boolean negate) {

    /** Validates and copies the values. */
    public Clause {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(operator, "operator");
        values = List.copyOf(Objects.requireNonNull(values, "values"));
        if (attribute.isBlank()) {
            throw new IllegalArgumentException("clause attribute must not be blank");
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("clause on attribute '" + attribute + "' needs at least one value");
        }
        for (Object v : values) {
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw new IllegalArgumentException("clause on attribute '"
                        + attribute
                        + "' has a value of type "
                        + v.getClass().getName()
                        + "; only strings, numbers and booleans are allowed");
            }
        }
    }

    /** Creates a clause that is not negated. */
    public static Clause of(String attribute, Operator operator, Object... values) {
        return new Clause(attribute, operator, List.of(values), false);
    }

    /** Returns this clause with its result inverted. */
    public Clause negated() {
        return new Clause(attribute, operator, values, !negate);
    }
}
