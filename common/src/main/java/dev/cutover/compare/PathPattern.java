package dev.cutover.compare;

import java.util.Objects;

/**
 * A JSON Pointer (RFC 6901) in which a segment {@code *} stands for any one segment: any array
 * index or any field name. {@code /lines/*}{@code /updatedAt} matches {@code /lines/0/updatedAt}
 * and {@code /lines/7/updatedAt}. A field literally named {@code *} is matched by the wildcard
 * like any other: the pattern language has no way to single it out.
 */
final class PathPattern {
    private static final String WILDCARD = "*";

    private final String text;
    private final String[] segments;

    private PathPattern(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
    }

    /**
     * Parses and checks a pattern.
     *
     * @param setting the setting's name, for the message naming a bad pattern
     * @param allowRoot whether {@code ""}, the whole result, is a sensible pattern for the setting
     */
    static PathPattern parse(String text, String setting, boolean allowRoot) {
        Objects.requireNonNull(text, setting);
        if (text.isEmpty()) {
            if (!allowRoot) {
                throw new IllegalArgumentException(
                        setting + " must name a field or an element, such as /lines/*/price, but was \"\"");
            }
            return new PathPattern(text, new String[0]);
        }
        if (text.charAt(0) != '/') {
            throw new IllegalArgumentException(setting
                    + " must be a JSON Pointer starting with '/', such as /lines/*/price, but was \"" + text + "\"");
        }
        String[] raw = text.substring(1).split("/", -1);
        String[] segments = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            segments[i] = unescape(raw[i], text, setting);
        }
        return new PathPattern(text, segments);
    }

    private static String unescape(String segment, String text, String setting) {
        for (int i = segment.indexOf('~'); i >= 0; i = segment.indexOf('~', i + 2)) {
            if (i + 1 >= segment.length() || (segment.charAt(i + 1) != '0' && segment.charAt(i + 1) != '1')) {
                throw new IllegalArgumentException(
                        setting + " must escape '~' as ~0 and '/' as ~1 but was \"" + text + "\"");
            }
        }
        return segment.replace("~1", "/").replace("~0", "~");
    }

    /** Whether the pattern names this path. */
    boolean matches(NodePath path) {
        if (path.depth() != segments.length) {
            return false;
        }
        NodePath p = path;
        for (int i = segments.length - 1; i >= 0; i--) {
            if (!segments[i].equals(WILDCARD) && !segments[i].equals(p.segment())) {
                return false;
            }
            p = p.parent();
            assert p != null || i == 0;
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
