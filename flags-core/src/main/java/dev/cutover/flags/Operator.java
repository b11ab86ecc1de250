package dev.cutover.flags;

import org.jspecify.annotations.Nullable;

/**
 * A comparison in a targeting {@link Clause}. The JSON name is the camel-case form shown on each
 * constant. A clause matches when any of its values matches the context attribute.
 *
 * @since 0.1.0
 */
public enum Operator {
    /** {@code equals}: the attribute equals a value (strings, numbers and booleans compared as JSON). */
    EQUALS("equals"),
    /** {@code in}: the attribute equals one of the values; same as {@link #EQUALS} with a set. */
    IN("in"),
    /** {@code startsWith}: the string attribute starts with a value. */
    STARTS_WITH("startsWith"),
    /** {@code endsWith}: the string attribute ends with a value. */
    ENDS_WITH("endsWith"),
    /** {@code contains}: the string attribute contains a value. */
    CONTAINS("contains"),
    /** {@code lt}: the numeric attribute is less than a value. */
    LESS_THAN("lt"),
    /** {@code lte}: the numeric attribute is less than or equal to a value. */
    LESS_THAN_OR_EQUAL("lte"),
    /** {@code gt}: the numeric attribute is greater than a value. */
    GREATER_THAN("gt"),
    /** {@code gte}: the numeric attribute is greater than or equal to a value. */
    GREATER_THAN_OR_EQUAL("gte"),
    /** {@code semverEq}: the attribute is a semantic version equal to a value. */
    SEMVER_EQUAL("semverEq"),
    /** {@code semverLt}: the attribute is a semantic version lower than a value. */
    SEMVER_LESS_THAN("semverLt"),
    /** {@code semverGt}: the attribute is a semantic version greater than a value. */
    SEMVER_GREATER_THAN("semverGt");

    private final String jsonName;

    Operator(String jsonName) {
        this.jsonName = jsonName;
    }

    /** Returns the name used in flag JSON, for example {@code startsWith}. */
    public String jsonName() {
        return jsonName;
    }

    /** Whether the operator compares numbers. */
    public boolean isNumeric() {
        return this == LESS_THAN || this == LESS_THAN_OR_EQUAL || this == GREATER_THAN || this == GREATER_THAN_OR_EQUAL;
    }

    /** Whether the operator compares semantic versions. */
    public boolean isSemver() {
        return this == SEMVER_EQUAL || this == SEMVER_LESS_THAN || this == SEMVER_GREATER_THAN;
    }

    /**
     * Looks an operator up by its JSON name (case-insensitive) or constant name.
     *
     * @return the operator, or {@code null} when the name is unknown
     */
    public static @Nullable Operator fromJsonName(String name) {
        for (Operator op : values()) {
            if (op.jsonName.equalsIgnoreCase(name) || op.name().equalsIgnoreCase(name)) {
                return op;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return jsonName;
    }
}
