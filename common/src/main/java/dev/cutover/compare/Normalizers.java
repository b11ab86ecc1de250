package dev.cutover.compare;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The built-in {@link Normalizer}s. Each is idempotent, and each maps equal trees to equal trees,
 * so configuring any of them keeps equivalence reflexive, symmetric and transitive. The same
 * normalizers are on {@link Comparison.Builder}; use these to compose your own chain.
 *
 * <pre>{@code
 * Normalizer cleanup = Normalizers.ignoreFields("etag")
 *     .andThen(Normalizers.timestampPrecision(ChronoUnit.MILLIS));
 * Comparison comparison = Comparison.builder().normalizer(cleanup).build();
 * }</pre>
 *
 * <p>Paths are JSON Pointers (RFC 6901: {@code ~} written {@code ~0}, {@code /} written {@code
 * ~1}) in which a segment {@code *} matches any one field name or array index: {@code
 * /lines/*}{@code /updatedAt}. A path refers to the tree as it stands when that normalizer runs.
 *
 * @since 0.1.0
 */
public final class Normalizers {
    private Normalizers() {}

    /** Removes the fields with these names wherever they are, at any depth. */
    public static Normalizer ignoreFields(String... names) {
        List<String> checked = strings("ignoreFields", names);
        return new FieldRemoval(new LinkedHashSet<>(checked), List.of(), false, "ignoreFields" + checked);
    }

    /**
     * Removes the fields at these paths; an array element named by a path becomes {@code null}
     * rather than disappearing, so that the elements after it keep their index.
     */
    public static Normalizer ignorePaths(String... paths) {
        List<PathPattern> checked = patterns("ignorePaths", paths, false);
        return new FieldRemoval(Set.of(), checked, false, "ignorePaths" + checked);
    }

    /**
     * Truncates timestamps to {@code unit} (at most {@link ChronoUnit#DAYS}): every string that
     * parses as an ISO-8601 date-time, with an offset ({@code 2024-05-01T10:15:30.123456Z}) or
     * without ({@code 2024-05-01T10:15:30.123}), and the numbers in the fields named {@code
     * epochMillisFields}, read as milliseconds since the epoch. A number anywhere else is left alone.
     * A timestamp with an offset keeps it: the same instant written with two offsets stays
     * different.
     */
    public static Normalizer timestampPrecision(ChronoUnit unit, String... epochMillisFields) {
        List<String> fields = strings("epochMillisFields", epochMillisFields, false);
        return new TimestampTruncation(checkedUnit(unit), new LinkedHashSet<>(fields));
    }

    /**
     * Rounds every number to {@code decimalPlaces} places (0 or more), half to even: {@code
     * numericScale(2)} makes {@code 0.1 + 0.2} equal {@code 0.3}.
     *
     * <p>Why rounding rather than a tolerance such as {@code |a - b| <= 0.01}: a tolerance is not
     * transitive ({@code 0.000 ~ 0.006 ~ 0.012}, yet {@code 0.000} and {@code 0.012} differ by more
     * than it), so a report would depend on which values happened to be compared. Rounding puts each
     * value in one bucket, which keeps equivalence transitive; the price is that two values closer
     * than the tolerance may straddle a bucket edge ({@code 0.0049} and {@code 0.0051} at two
     * places). Equal after rounding always means less than one unit of the last place apart.
     */
    public static Normalizer numericScale(int decimalPlaces) {
        if (decimalPlaces < 0) {
            throw new IllegalArgumentException("numericScale must be >= 0 but was " + decimalPlaces);
        }
        return new NumericRounding(decimalPlaces);
    }

    /**
     * Makes the order of every array irrelevant: elements are sorted by their canonical JSON, so
     * arrays equal as multisets become equal (duplicates still count).
     *
     * <p>Prefer {@link Comparison.Builder#unorderedArrays()}: it sorts after every other normalizer
     * (here the sort happens where the normalizer stands, and a later normalizer may change the
     * elements), and its differences name the elements without a counterpart rather than comparing
     * sorted arrays index by index.
     */
    public static Normalizer unorderedArrays() {
        return new ArraySorting(true, List.of());
    }

    /** Makes the order of the arrays at these paths irrelevant; {@code ""} is the whole result. */
    public static Normalizer unorderedArrays(String... paths) {
        return new ArraySorting(false, patterns("unorderedArrays", paths, true));
    }

    /** Removes fields whose value is {@code null}, so that {@code {"a": null}} equals {@code {}}. */
    public static Normalizer nullEqualsAbsent() {
        return new FieldRemoval(Set.of(), List.of(), true, "nullEqualsAbsent()");
    }

    static List<String> strings(String setting, String[] values, boolean atLeastOne) {
        Objects.requireNonNull(values, setting);
        if (atLeastOne && values.length == 0) {
            throw new IllegalArgumentException(setting + " needs at least one name but was empty");
        }
        List<String> checked = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            checked.add(Objects.requireNonNull(values[i], setting + "[" + i + "] must not be null"));
        }
        return checked;
    }

    private static List<String> strings(String setting, String[] values) {
        return strings(setting, values, true);
    }

    static List<PathPattern> patterns(String setting, String[] paths, boolean allowRoot) {
        List<String> texts = strings(setting, paths, true);
        List<PathPattern> checked = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            checked.add(PathPattern.parse(texts.get(i), setting + "[" + i + "]", allowRoot));
        }
        return checked;
    }

    static ChronoUnit checkedUnit(ChronoUnit unit) {
        Objects.requireNonNull(unit, "timestampPrecision");
        if (!unit.isTimeBased() && unit != ChronoUnit.DAYS) {
            throw new IllegalArgumentException("timestampPrecision must be DAYS or shorter but was " + unit);
        }
        return unit;
    }
}
