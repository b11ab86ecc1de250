package dev.cutover.cli.internal;

import dev.cutover.flags.Flag;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the values of {@code flags set --metadata NAME=VALUE}, before anything is read or
 * written: {@code true}/{@code false} become a boolean, an integer a long, a decimal a double,
 * anything else a string; {@code NAME=} with nothing after it removes the entry. Names and values
 * are held to the limits of {@link Flag#metadata()}, and every refusal names {@code --metadata}
 * and the value given.
 */
final class MetadataOption {
    static final String OPTION = "--metadata";
    /** Longest name, as {@link Flag#metadata()} allows. */
    static final int MAX_NAME = 128;
    /** Longest string value, as {@link Flag#metadata()} allows. */
    static final int MAX_VALUE = 1024;
    /** Most entries a flag may carry. */
    static final int MAX_ENTRIES = 64;

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL =
            Pattern.compile("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+");

    private MetadataOption() {}

    /**
     * The entries by name, in the order given (a later entry for the same name wins); a null value
     * removes the entry.
     *
     * @throws CliException ({@link Exit#USAGE}) naming {@code --metadata} and the bad value
     */
    static Map<String, @Nullable Object> parse(List<String> given) {
        Map<String, @Nullable Object> entries = new LinkedHashMap<>();
        for (String entry : given) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw CliException.invalid(OPTION, "expected NAME=VALUE (NAME= removes the entry)", entry);
            }
            String name = entry.substring(0, eq);
            String text = entry.substring(eq + 1);
            if (name.isEmpty() || name.length() > MAX_NAME) {
                throw CliException.invalid(
                        OPTION, "the name before '=' must be 1 to " + MAX_NAME + " characters", entry);
            }
            if (name.codePoints().anyMatch(Character::isISOControl)) {
                throw CliException.invalid(OPTION, "the name must not contain control characters", entry);
            }
            if (text.length() > MAX_VALUE) {
                throw CliException.invalid(OPTION, "the value must be at most " + MAX_VALUE + " characters", entry);
            }
            entries.remove(name); // a repeated name moves to where it was last given
            entries.put(name, text.isEmpty() ? null : value(entry, text));
        }
        long kept = entries.values().stream().filter(v -> v != null).count();
        if (kept > MAX_ENTRIES) {
            throw CliException.invalid(OPTION, "a flag carries at most " + MAX_ENTRIES + " entries", kept + " entries");
        }
        return Collections.unmodifiableMap(entries);
    }

    private static Object value(String entry, String text) {
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        if (INTEGER.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw CliException.invalid(
                        OPTION,
                        "an integer value must lie between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE,
                        entry);
            }
        }
        if (DECIMAL.matcher(text).matches()) {
            double d = Double.parseDouble(text);
            if (!Double.isFinite(d)) {
                throw CliException.invalid(OPTION, "a decimal value must be a finite number", entry);
            }
            return d;
        }
        return text;
    }
}
