package dev.cutover.flags.spi;

import java.util.Locale;
import java.util.Objects;

/**
 * The characters that can forge an audit trail, and how to show audit values safely.
 *
 * <p>An actor or reason is shown in tables, one record per line, and in logs. A newline in it
 * would start a made-up record; a carriage return, a tab, a C1 control (such as U+0085 NEXT LINE),
 * a Unicode line or paragraph separator or a bidirectional override can fake a line or a column,
 * or reorder what the reader sees. {@link AuditInfo} refuses all of these in an actor; a reason
 * may keep newlines and tabs (and is stored verbatim), so every renderer passes audit values
 * through {@link #oneLine} before showing them.
 *
 * <pre>{@code
 * out.println(record.version() + "  " + AuditText.oneLine(record.actor()) + "  " + AuditText.oneLine(record.reason()));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class AuditText {
    private AuditText() {}

    /**
     * Whether a code point can fake a line or a column, or reorder text, when shown: the C0 and C1
     * controls and DEL, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR, and the bidirectional
     * controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069).
     */
    public static boolean isForging(int codePoint) {
        return codePoint < 0x20
                || (codePoint >= 0x7F && codePoint <= 0x9F)
                || codePoint == 0x2028
                || codePoint == 0x2029
                || codePoint == 0x061C
                || codePoint == 0x200E
                || codePoint == 0x200F
                || (codePoint >= 0x202A && codePoint <= 0x202E)
                || (codePoint >= 0x2066 && codePoint <= 0x2069);
    }

    /**
     * The index of the first forging code point in {@code text} ({@link #isForging}), or -1.
     */
    public static int indexOfForging(String text) {
        Objects.requireNonNull(text, "text");
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (isForging(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }

    /**
     * Names a code point for error messages: {@code U+000A (LINE FEED (LF))}.
     */
    public static String describe(int codePoint) {
        String name = Character.getName(codePoint);
        return String.format(Locale.ROOT, "U+%04X", codePoint) + (name == null ? "" : " (" + name + ")");
    }

    /**
     * {@code text} on one line, readable and unambiguous: a backslash becomes {@code \\}, a newline
     * {@code \n}, a carriage return {@code \r}, a tab {@code \t}, and every other forging code point
     * {@code \}{@code uXXXX}. Everything else is kept, so ordinary text (accents, emoji) reads as
     * typed, and two different values never render the same.
     */
    public static String oneLine(String text) {
        Objects.requireNonNull(text, "text");
        int first = indexOfForging(text);
        if (first < 0 && text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isForging(ch)) { // every forging code point is a single char (BMP)
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }
}
