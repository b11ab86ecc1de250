package dev.cutover.cli.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A timeout as operators type it: {@code 90s}, {@code 2m}, {@code 1m30s}, {@code 1h}, {@code
 * 1500ms}, or ISO-8601 ({@code PT2M}); from {@link #MIN} to {@link #MAX}. A bare number has no unit
 * and is refused, so that {@code 120} is never read as milliseconds by one reader and seconds by
 * another.
 */
public final class Timeouts implements ITypeConverter<Duration> {
    /** The shortest timeout: a wait shorter than one read of the fleet proves nothing. */
    static final Duration MIN = Duration.ofSeconds(1);

    /** The longest timeout. */
    static final Duration MAX = Duration.ofHours(24);

    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|h|m|s)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}(?:ms|h|m|s))+");

    /** Parses {@code text}, or throws naming it, the forms and the range. */
    public static Duration parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        if (WHOLE.matcher(s).matches()) {
            d = Duration.ZERO;
            Matcher m = PART.matcher(s);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(
                        switch (m.group(2)) {
                            case "ms" -> Duration.ofMillis(n);
                            case "s" -> Duration.ofSeconds(n);
                            case "m" -> Duration.ofMinutes(n);
                            default -> Duration.ofHours(n);
                        });
            }
        } else if (s.startsWith("p") && !s.contains("-")) {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw malformed(text);
            }
        } else {
            throw malformed(text);
        }
        if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
            throw new TypeConversionException(
                    "a timeout must be from 1s to 24h but was " + CliException.shown(text) + " (" + show(d) + ")");
        }
        return d;
    }

    private static TypeConversionException malformed(String text) {
        return new TypeConversionException("expected a timeout such as 90s, 2m, 1m30s, 1h or 1500ms (1s to 24h)"
                + " but was " + CliException.shown(text));
    }

    /** A duration for people: {@code 2m}, {@code 1m30s}, {@code 45s}, {@code 1.2s}, {@code 200ms}. */
    static String show(Duration d) {
        long ms = d.toMillis();
        if (ms < 0) {
            return "-" + show(d.negated());
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 10_000 && ms % 1000 != 0) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        StringBuilder b = new StringBuilder();
        if (h > 0) {
            b.append(h).append('h');
        }
        if (m > 0) {
            b.append(m).append('m');
        }
        if (sec > 0 || b.length() == 0) {
            b.append(sec).append('s');
        }
        return b.toString();
    }

    @Override
    public Duration convert(String value) {
        return parse(value);
    }
}
