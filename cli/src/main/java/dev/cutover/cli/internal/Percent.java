package dev.cutover.cli.internal;

import java.math.BigDecimal;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A rollout percentage as operators type it: {@code 25}, {@code 12.5}, {@code 0.001} or {@code 25%};
 * 0 to 100 with at most three decimals (the resolution of rollout buckets).
 */
public final class Percent implements ITypeConverter<Double> {

    /** Parses {@code text}, or throws naming it and the valid range. */
    public static double parse(String text) {
        String s = text.strip();
        if (s.endsWith("%")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        BigDecimal value;
        try {
            if (!s.matches("[0-9]+(\\.[0-9]+)?|\\.[0-9]+")) {
                throw new NumberFormatException();
            }
            value = new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("expected a percentage from 0 to 100 with at most 3 decimals"
                    + " (25, 12.5 or 25%) but was '" + text + "'");
        }
        if (value.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new TypeConversionException("a percentage must be from 0 to 100 but was '" + text + "'");
        }
        if (value.stripTrailingZeros().scale() > 3) {
            throw new TypeConversionException(
                    "a percentage has at most 3 decimals (0.001% is the finest share) but was '" + text + "'");
        }
        return value.doubleValue();
    }

    @Override
    public Double convert(String value) {
        return parse(value);
    }
}
