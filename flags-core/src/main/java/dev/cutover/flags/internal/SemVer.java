package dev.cutover.flags.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A semantic version (semver.org 2.0) with precedence comparison. Build metadata is ignored;
 * "1.2" and "1" are accepted as "1.2.0" and "1.0.0".
 */
public record SemVer(long major, long minor, long patch, String[] preRelease)
    implements Comparable<SemVer> {

  private static final Pattern PATTERN =
      Pattern.compile(
          "v?(0|[1-9]\\d{0,17})(?:\\.(0|[1-9]\\d{0,17}))?(?:\\.(0|[1-9]\\d{0,17}))?"
              + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");

  /** Parses a version, or returns null when the text is not one. */
  public static @Nullable SemVer parse(String text) {
    Matcher m = PATTERN.matcher(text);
    if (!m.matches()) {
      return null;
    }
    return new SemVer(
        Long.parseLong(m.group(1)),
        m.group(2) == null ? 0 : Long.parseLong(m.group(2)),
        m.group(3) == null ? 0 : Long.parseLong(m.group(3)),
        m.group(4) == null ? new String[0] : m.group(4).split("\\."));
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
    if (preRelease.length == 0 || o.preRelease.length == 0) {
      return Boolean.compare(preRelease.length == 0, o.preRelease.length == 0);
    }
    for (int i = 0; i < Math.min(preRelease.length, o.preRelease.length); i++) {
      c = comparePart(preRelease[i], o.preRelease[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(preRelease.length, o.preRelease.length);
  }

  private static int comparePart(String a, String b) {
    boolean na = a.chars().allMatch(Character::isDigit);
    boolean nb = b.chars().allMatch(Character::isDigit);
    if (na && nb) {
      return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }
    if (na != nb) {
      return na ? -1 : 1;
    }
    return a.compareTo(b);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SemVer s && compareTo(s) == 0;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(major * 31 * 31 + minor * 31 + patch) * 31 + preRelease.length;
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch + (preRelease.length == 0 ? "" : "-" + String.join(".", preRelease));
  }
}
