package dev.cutover.flags.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.flags.Allocation;
import dev.cutover.flags.Clause;
import dev.cutover.flags.Flag;
import dev.cutover.flags.InvalidFlagException;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.Target;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks a complete flag definition: every value matches the variant type, every variant
 * reference exists, rollouts add up to exactly 100%, numeric and semver clauses carry values of
 * their kind, metadata stays within its limits, and a scheduled flag's previous definition is
 * valid too.
 */
public final class FlagValidator {
    /** Buckets in a rollout: thousandths of a percent. */
    public static final int TOTAL_BUCKETS = 100_000;

    /** Most metadata entries a flag may carry. */
    public static final int MAX_METADATA_ENTRIES = 64;
    /** Longest metadata name, in characters. */
    public static final int MAX_METADATA_NAME = 128;
    /** Longest metadata string value, in characters. */
    public static final int MAX_METADATA_STRING = 1024;

    private FlagValidator() {}

    /** Validates the flag, throwing {@link InvalidFlagException} that names its key. */
    public static void validate(Flag flag) {
        String key = flag.key();
        for (Map.Entry<String, JsonNode> e : flag.variants().entrySet()) {
            if (e.getKey().isEmpty()) {
                throw new InvalidFlagException(key, "variant names must not be empty");
            }
            if (!matchesType(flag, e.getValue())) {
                throw new InvalidFlagException(
                        key,
                        "variant '"
                                + e.getKey()
                                + "' has value "
                                + e.getValue()
                                + " which is not a finite value of the flag type "
                                + flag.type().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        Set<String> names = flag.variants().keySet();
        flag.offVariant().ifPresent(off -> requireVariant(key, names, off, "offVariant"));
        Set<String> targeted = new HashSet<>();
        for (Target t : flag.targets()) {
            requireVariant(key, names, t.variant(), "target");
            for (String k : t.keys()) {
                if (!targeted.add(k)) {
                    throw new InvalidFlagException(key, "context key '" + k + "' is targeted twice");
                }
            }
        }
        for (int i = 0; i < flag.rules().size(); i++) {
            Rule r = flag.rules().get(i);
            for (Clause c : r.clauses()) {
                validateClause(key, i, c);
            }
            validateServe(key, names, r.serve(), "rules[" + i + "].serve");
        }
        validateServe(key, names, flag.fallthrough(), "fallthrough");
        validateMetadata(key, flag.metadata());
        flag.previous().ifPresent(p -> {
            if (!p.key().equals(key)) {
                throw new InvalidFlagException(key, "previous definition has a different key '" + p.key() + "'");
            }
            if (p.previous().isPresent() || p.effectiveAt().isPresent()) {
                throw new InvalidFlagException(key, "previous definition must not be scheduled itself");
            }
        });
    }

    private static void validateMetadata(String key, Map<String, Object> metadata) {
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw new InvalidFlagException(
                    key,
                    "metadata has " + metadata.size() + " entries but at most " + MAX_METADATA_ENTRIES
                            + " are allowed");
        }
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.length() > MAX_METADATA_NAME) {
                throw new InvalidFlagException(
                        key,
                        "metadata entry name must be 1 to " + MAX_METADATA_NAME + " characters but was " + name.length()
                                + " ('" + abbreviate(name) + "')");
            }
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidFlagException(
                        key, "metadata entry name '" + abbreviate(name) + "' contains a control character");
            }
            Object v = e.getValue();
            if (v instanceof String s && s.length() > MAX_METADATA_STRING) {
                throw new InvalidFlagException(
                        key,
                        "metadata entry '" + name + "' has a string of " + s.length() + " characters but at most "
                                + MAX_METADATA_STRING + " are allowed");
            }
            if (v instanceof Double d && !Double.isFinite(d)) {
                throw new InvalidFlagException(
                        key, "metadata entry '" + name + "' must be a finite number but was " + d);
            }
            if (!(v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double)) {
                throw new InvalidFlagException(
                        key, "metadata entry '" + name + "' must be a string, boolean or number but was " + v);
            }
        }
    }

    /** A name for an error message: control characters escaped, at most 40 characters shown. */
    private static String abbreviate(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length() && b.length() < 40; i++) {
            char c = name.charAt(i);
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return name.length() > 40 ? b + "..." : b.toString();
    }

    private static boolean matchesType(Flag flag, JsonNode value) {
        return switch (flag.type()) {
            case BOOLEAN -> value.isBoolean();
            case STRING -> value.isTextual();
            case NUMBER -> value.isNumber() && Double.isFinite(value.doubleValue());
            case JSON -> !value.isMissingNode() && finite(value);
        };
    }

    /** JSON output cannot represent NaN or infinity, so no number anywhere in a value may be one. */
    private static boolean finite(JsonNode value) {
        if (value.isNumber()) {
            return Double.isFinite(value.doubleValue());
        }
        for (JsonNode child : value) {
            if (!finite(child)) {
                return false;
            }
        }
        return true;
    }

    private static void requireVariant(String key, Set<String> names, String variant, String where) {
        if (!names.contains(variant)) {
            throw new InvalidFlagException(
                    key, where + " refers to unknown variant '" + variant + "' (variants: " + names + ")");
        }
    }

    private static void validateServe(String key, Set<String> names, Serve serve, String where) {
        if (serve.variant() != null) {
            requireVariant(key, names, serve.variant(), where);
            return;
        }
        int total = 0;
        Set<String> seen = new HashSet<>();
        for (Allocation a : serve.rollout().allocations()) {
            requireVariant(key, names, a.variant(), where + ".rollout");
            if (!seen.add(a.variant())) {
                throw new InvalidFlagException(key, where + ".rollout lists variant '" + a.variant() + "' twice");
            }
            if (Math.abs(a.percent() * 1000.0 - a.thousandths()) > 1e-6) {
                throw new InvalidFlagException(
                        key,
                        where
                                + ".rollout share for '"
                                + a.variant()
                                + "' has more than three decimals: "
                                + a.percent());
            }
            total += a.thousandths();
        }
        if (total != TOTAL_BUCKETS) {
            throw new InvalidFlagException(
                    key, where + ".rollout shares must add up to 100% but add up to " + (total / 1000.0) + "%");
        }
    }

    private static void validateClause(String key, int rule, Clause c) {
        String where = "rules[" + rule + "] clause on '" + c.attribute() + "'";
        for (Object v : c.values()) {
            if (v instanceof Number num && !Double.isFinite(num.doubleValue())) {
                throw new InvalidFlagException(key, where + ": value " + v + " is not a finite number");
            }
            if (c.operator().isNumeric() && !(v instanceof Number)) {
                throw new InvalidFlagException(
                        key, where + ": operator " + c.operator().jsonName() + " needs numbers but got '" + v + "'");
            }
            if (c.operator().isSemver()) {
                if (!(v instanceof String s) || SemVer.parse(s) == null) {
                    throw new InvalidFlagException(
                            key,
                            where + ": operator " + c.operator().jsonName() + " needs semantic versions but got '" + v
                                    + "'");
                }
            }
            if ((c.operator().jsonName().endsWith("With")
                            || c.operator().jsonName().equals("contains"))
                    && !(v instanceof String)) {
                throw new InvalidFlagException(
                        key, where + ": operator " + c.operator().jsonName() + " needs strings but got " + v);
            }
        }
    }
}
