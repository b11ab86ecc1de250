package dev.cutover.flags.internal;

import dev.cutover.flags.Clause;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Operator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A clause with its values pre-sorted by kind. Matching allocates nothing except for semver
 * operators, which parse the context attribute (bounded to {@value SemVer#MAX_LENGTH} characters).
 * Integral numbers compare exactly as {@code long}; others as {@code double}.
 *
 * <p>Every method here is kept small on purpose so the JIT inlines the whole match into the rule
 * loop: a string attribute (the common case) takes one type check and one dispatch on the
 * precomputed int kind; numbers and booleans go through {@code matchesOther}.
 */
final class CompiledClause {
    /** Equality with at most {@value #FEW} strings: compared one by one, hash first. */
    private static final int EQUALS_FEW = 0;
    /** Equality with more strings: a hash set lookup. */
    private static final int EQUALS_SET = 1;

    private static final int STARTS = 2;
    private static final int ENDS = 3;
    private static final int CONTAINS = 4;
    private static final int NUMBER = 5;
    private static final int SEMVER = 6;
    private static final int FEW = 8;

    private final String attribute;
    /** Whether the clause reads the targeting key: a context without one cannot be decided. */
    private final boolean onKey;

    private final Operator op;
    private final int kind;
    private final boolean negate;

    private final String[] strings;
    private final int[] stringHashes;
    /**
     * One bit per value's hash code modulo 64, for {@link #containsString}: an attribute whose bit is
     * clear equals no value, which rejects most misses with one shift.
     */
    private final long hashBits;
    /**
     * For {@link #STARTS} and {@link #ENDS}: the character each value starts (or ends) with, compared
     * before the whole prefix (or suffix), so that most misses cost one character.
     */
    private final char[] edgeChars;
    /** The length of each value in {@link #strings}. */
    private final int[] lengths;

    private final Set<String> stringSet;
    private final double[] numbers;
    private final long[] integers;
    private final boolean[] booleans;
    private final SemVer[] versions;

    CompiledClause(Clause clause) {
        // interned: a context whose attribute names are literals (or an OpenFeature context's map keys)
        // then matches by identity, without comparing the characters
        this.attribute = clause.attribute().intern();
        this.onKey = EvaluationContext.KEY_ATTRIBUTE.equals(attribute);
        this.op = clause.operator();
        this.kind = switch (op) {
            case EQUALS, IN ->
                clause.values().stream().filter(String.class::isInstance).count() <= FEW ? EQUALS_FEW : EQUALS_SET;
            case STARTS_WITH -> STARTS;
            case ENDS_WITH -> ENDS;
            case CONTAINS -> CONTAINS;
            default -> op.isNumeric() ? NUMBER : SEMVER;
        };
        this.negate = clause.negate();
        List<String> s = new ArrayList<>();
        List<Double> n = new ArrayList<>();
        List<Long> whole = new ArrayList<>();
        List<Boolean> b = new ArrayList<>();
        List<SemVer> v = new ArrayList<>();
        for (Object value : clause.values()) {
            if (value instanceof String str) {
                s.add(str);
                SemVer parsed = kind == SEMVER ? SemVer.parse(str) : null;
                if (parsed != null) {
                    v.add(parsed);
                }
            } else if (isIntegral(value)) {
                whole.add(((Number) value).longValue());
            } else if (value instanceof Number num) {
                n.add(num.doubleValue());
            } else if (value instanceof Boolean bool) {
                b.add(bool);
            }
        }
        this.strings = s.toArray(new String[0]);
        this.stringHashes = s.stream().mapToInt(String::hashCode).toArray();
        this.stringSet = new HashSet<>(s);
        long bits = 0;
        for (int h : stringHashes) {
            bits |= 1L << h; // a shift of a long uses the low 6 bits of h
        }
        this.hashBits = bits;
        this.edgeChars = new char[strings.length];
        this.lengths = s.stream().mapToInt(String::length).toArray();
        for (int i = 0; i < strings.length; i++) {
            String x = strings[i];
            // an empty prefix or suffix matches everything: its edge check is skipped (see below)
            edgeChars[i] = x.isEmpty() ? 0 : kind == ENDS ? x.charAt(x.length() - 1) : x.charAt(0);
        }
        this.numbers = n.stream().mapToDouble(Double::doubleValue).toArray();
        this.integers = whole.stream().mapToLong(Long::longValue).toArray();
        this.booleans = new boolean[b.size()];
        for (int i = 0; i < b.size(); i++) {
            booleans[i] = b.get(i);
        }
        this.versions = v.toArray(new SemVer[0]);
    }

    boolean matches(EvaluationContext context) {
        Object value = context.get(attribute);
        // most attributes are strings: one type check, then the operator's string compare
        if (value instanceof String s) {
            return negate != matchesString(s);
        }
        if (value == null) {
            if (onKey && context.key() == null) {
                throw MissingTargetingKey.INSTANCE;
            }
            return negate;
        }
        return negate != matchesOther(value);
    }

    private boolean matchesString(String s) {
        switch (kind) {
            case EQUALS_FEW:
                return containsString(s);
            case EQUALS_SET:
                return stringSet.contains(s);
            case STARTS:
                return startsWithAny(s);
            case ENDS:
                return endsWithAny(s);
            case CONTAINS:
                return containsAny(s);
            case NUMBER:
                return false;
            default:
                return semver(s);
        }
    }

    /** A number or a boolean: only equality and numeric comparisons can hold. */
    private boolean matchesOther(Object value) {
        if (kind <= EQUALS_SET) {
            return equalsAny(value);
        }
        return kind == NUMBER && value instanceof Number n && compareNumber(n);
    }

    private boolean equalsAny(Object value) {
        if (value instanceof Number n) {
            return compareNumber(n);
        } else if (value instanceof Boolean bool) {
            for (boolean x : booleans) {
                if (x == bool) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Few values: compare the cached hash codes first, so a miss costs no string comparison. */
    private boolean containsString(String s) {
        int h = s.hashCode();
        if ((hashBits & (1L << h)) == 0) {
            return false;
        }
        for (int i = 0; i < strings.length; i++) {
            if (stringHashes[i] == h && strings[i].equals(s)) {
                return true;
            }
        }
        return false;
    }

    private boolean startsWithAny(String s) {
        int n = s.length();
        char first = n == 0 ? 0 : s.charAt(0);
        for (int i = 0; i < strings.length; i++) {
            int len = lengths[i];
            if ((len == 0 || (first == edgeChars[i] && n >= len)) && s.startsWith(strings[i])) {
                return true;
            }
        }
        return false;
    }

    private boolean endsWithAny(String s) {
        int n = s.length();
        char last = n == 0 ? 0 : s.charAt(n - 1);
        for (int i = 0; i < strings.length; i++) {
            int len = lengths[i];
            if ((len == 0 || (last == edgeChars[i] && n >= len)) && s.endsWith(strings[i])) {
                return true;
            }
        }
        return false;
    }

    private boolean containsAny(String s) {
        for (String x : strings) {
            if (s.contains(x)) {
                return true;
            }
        }
        return false;
    }

    private boolean semver(String s) {
        SemVer parsed = SemVer.parse(s);
        if (parsed == null) {
            return false;
        }
        for (SemVer x : versions) {
            int c = parsed.compareTo(x);
            if (op == Operator.SEMVER_EQUAL ? c == 0 : op == Operator.SEMVER_LESS_THAN ? c < 0 : c > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the numeric attribute compares true with any value. */
    private boolean compareNumber(Number attribute) {
        return isIntegral(attribute) ? compareLong(attribute.longValue()) : compareDouble(attribute.doubleValue());
    }

    private boolean compareLong(long a) {
        for (long x : integers) {
            if (holds(Long.compare(a, x))) {
                return true;
            }
        }
        for (double x : numbers) {
            if (holds(Double.compare((double) a, x))) {
                return true;
            }
        }
        return false;
    }

    private boolean compareDouble(double d) {
        if (Double.isNaN(d)) {
            return false;
        }
        for (double x : numbers) {
            if (holds(Double.compare(d, x))) {
                return true;
            }
        }
        for (long x : integers) {
            if (holds(Double.compare(d, (double) x))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a comparison result satisfies the operator; equality operators want 0. */
    private boolean holds(int c) {
        return switch (op) {
            case LESS_THAN -> c < 0;
            case LESS_THAN_OR_EQUAL -> c <= 0;
            case GREATER_THAN -> c > 0;
            case GREATER_THAN_OR_EQUAL -> c >= 0;
            default -> c == 0;
        };
    }

    static boolean isIntegral(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    @Override
    public String toString() {
        return attribute + " " + op + (negate ? " (negated)" : "");
    }
}
