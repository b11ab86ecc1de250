package dev.cutover.replication;

import dev.cutover.replication.internal.Keys;
import java.text.Normalizer;
import java.util.Objects;

/**
 * Turns an old store's keys into the new store's: Unicode normalization (NFKC by default, NFC
 * selectable), zero-width and control characters stripped, whitespace trimmed. Keys typed or
 * pasted by people carry invisible characters and look-alike forms ("ｏｒｄｅｒ-１" for "order-1",
 * a zero-width space inside an id); normalized, they compare as people read them.
 *
 * <pre>{@code
 * KeyNormalizer keys = KeyNormalizer.nfkc();
 * KeyNormalizerCollisions collisions = KeyNormalizerCollisions.create(c -> report.add(c));
 * Change normalized = keys.normalize(change);          // change.withKey(normalize(change.key()))
 * collisions.record(change.key(), normalized.key());   // two old keys, one new key: reported
 * }</pre>
 *
 * <p><b>Steps</b>, repeated until the key no longer changes (so normalizing twice changes nothing):
 * remove zero-width characters (U+200B zero-width space, U+200C non-joiner, U+200D joiner,
 * U+2060 word joiner, U+FEFF zero-width no-break space / byte order mark) and control characters
 * (Unicode category Cc: U+0000 to U+001F, U+007F to U+009F, which includes tab and line breaks);
 * normalize to the chosen form (NFKC also maps compatibility forms: full-width letters,
 * ligatures, superscripts, the no-break space); trim leading and trailing whitespace (every code
 * point that {@link Character#isWhitespace} or {@link Character#isSpaceChar} accepts). Other
 * invisible format characters (soft hyphen, bidirectional marks) are kept: they may be meaningful.
 *
 * <p><b>Rejections.</b> A key that normalizes to nothing, or holds a broken surrogate pair (which
 * no UTF-8 store keeps), or normalizes to more than {@link Change#MAX_KEY_LENGTH} characters, is
 * rejected with an {@link IllegalArgumentException} naming the original key with its invisible
 * characters escaped ({@code "\u200B"}). Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class KeyNormalizer {
    private static final int MAX_PASSES = 4;

    private final Normalizer.Form form;

    private KeyNormalizer(Normalizer.Form form) {
        this.form = form;
    }

    /** NFKC: compatibility forms become their plain equivalents. The default for keys. */
    public static KeyNormalizer nfkc() {
        return new KeyNormalizer(Normalizer.Form.NFKC);
    }

    /** NFC: only canonically equivalent forms are merged (composed and decomposed accents). */
    public static KeyNormalizer nfc() {
        return new KeyNormalizer(Normalizer.Form.NFC);
    }

    /**
     * A normalizer to {@code form}, which must be a composed form (NFC or NFKC).
     *
     * @throws IllegalArgumentException for NFD or NFKD
     */
    public static KeyNormalizer of(Normalizer.Form form) {
        Objects.requireNonNull(form, "form");
        if (form != Normalizer.Form.NFC && form != Normalizer.Form.NFKC) {
            throw new IllegalArgumentException("form must be NFC or NFKC but was " + form);
        }
        return new KeyNormalizer(form);
    }

    /** The normalization form in use. */
    public Normalizer.Form form() {
        return form;
    }

    /**
     * The normalized key.
     *
     * @throws IllegalArgumentException when the key normalizes to nothing, is too long, or holds a
     *     broken surrogate pair, naming it escaped
     */
    public String normalize(String key) {
        Objects.requireNonNull(key, "key");
        String bad = Keys.unstorable(key.replace('\0', ' '));
        if (bad != null) {
            throw new IllegalArgumentException("key " + Keys.escape(key) + " cannot be normalized: it " + bad);
        }
        String s = key;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            String next = trim(Normalizer.normalize(strip(s), form));
            if (next.equals(s)) {
                break;
            }
            s = next;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("key " + Keys.escape(key) + " normalizes to an empty key");
        }
        if (s.length() > Change.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key " + Keys.escape(key) + " normalizes to " + s.length()
                    + " characters, more than " + Change.MAX_KEY_LENGTH);
        }
        return s;
    }

    /** The change with its key normalized. */
    public Change normalize(Change change) {
        String key = normalize(change.key());
        return key.equals(change.key()) ? change : change.withKey(key);
    }

    /** Whether a normalized key never contains the character: zero-width and control characters. */
    static boolean isStripped(int cp) {
        return Character.getType(cp) == Character.CONTROL
                || (cp >= 0x200B && cp <= 0x200D)
                || cp == 0x2060
                || cp == 0xFEFF;
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static String strip(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (isStripped(cp)) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
            } else if (out != null) {
                out.appendCodePoint(cp);
            }
            i += n;
        }
        return out == null ? s : out.toString();
    }

    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    @Override
    public String toString() {
        return "KeyNormalizer[" + form + "]";
    }
}
