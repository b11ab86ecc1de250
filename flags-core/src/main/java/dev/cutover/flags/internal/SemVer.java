package dev.cutover.flags.internal;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A semantic version (semver.org 2.0) with precedence comparison. Build metadata is ignored;
 * "1.2" and "1" are accepted as "1.2.0" and "1.0.0", and a leading "v" is allowed.
 *
 * <p>Parsed by hand in one pass with no regular expression, and text longer than
 * {@value #MAX_LENGTH} characters is rejected outright, so a hostile context attribute costs a
 * bounded amount of work and can never exhaust the stack.
 */
public record SemVer(long major, long minor, long patch, List<String> preRelease) implements Comparable<SemVer> {

    /** Longer text is not a version. */
    public static final int MAX_LENGTH = 256;

    /** Copies the pre-release identifiers. */
    public SemVer {
        preRelease = List.copyOf(preRelease);
    }

    /** Parses a version, or returns null when the text is not one. */
    public static @Nullable SemVer parse(String text) {
        int n = text.length();
        if (n == 0 || n > MAX_LENGTH) {
            return null;
        }
        int i = text.charAt(0) == 'v' ? 1 : 0;
        long[] core = new long[3];
        int parts = 0;
        while (parts < 3) {
            int start = i;
            long value = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                if (i - start >= 18) {
                    return null;
                }
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start || (i - start > 1 && text.charAt(start) == '0')) {
                return null;
            }
            core[parts++] = value;
            if (i < n && text.charAt(i) == '.' && parts < 3) {
                i++;
            } else {
                break;
            }
        }
        List<String> pre = new ArrayList<>();
        if (i < n && text.charAt(i) == '-') {
            i++;
            int start = i;
            while (i <= n) {
                if (i == n || text.charAt(i) == '.' || text.charAt(i) == '+') {
                    if (i == start) {
                        return null;
                    }
                    pre.add(text.substring(start, i));
                    if (i == n || text.charAt(i) == '+') {
                        break;
                    }
                    start = i + 1;
                } else if (!identifierChar(text.charAt(i))) {
                    return null;
                }
                i++;
            }
        }
        if (i < n && text.charAt(i) == '+') {
            i++;
            if (i == n) {
                return null;
            }
            for (; i < n; i++) {
                if (!identifierChar(text.charAt(i)) && text.charAt(i) != '.') {
                    return null;
                }
            }
        }
        if (i != n) {
            return null;
        }
        return new SemVer(core[0], core[1], core[2], pre);
    }

    private static boolean identifierChar(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    }

    @Override
    public int compareTo(SemVer o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        // a version without pre-release ranks above one with it
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
            c = comparePart(preRelease.get(i), o.preRelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    private static int comparePart(String a, String b) {
        boolean na = numeric(a);
        boolean nb = numeric(b);
        if (na && nb) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (na != nb) {
            return na ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean numeric(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + String.join(".", preRelease));
    }
}
