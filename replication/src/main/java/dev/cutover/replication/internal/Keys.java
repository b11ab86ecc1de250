package dev.cutover.replication.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Key checks and helpers shared by the JDBC target, the sources and key normalization: what a
 * database can store, how a key is shown in a message, and which segment bucket a key is in.
 */
public final class Keys {
    /** Buckets of the JDBC target's {@code bucket} column: the finest segmentation it allows. */
    public static final int BUCKETS = 1024;
    /** Longest excerpt of a key shown in a message; the rest is elided. */
    private static final int SHOWN = 200;

    private Keys() {}

    /**
     * Null when {@code key} can be stored as text in every supported database, else why not: a NUL
     * character (PostgreSQL text cannot hold it) or a broken surrogate pair (not encodable in
     * UTF-8, so two keys would collapse into one).
     */
    public static @Nullable String unstorable(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == 0) {
                return "holds a NUL character at index " + i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "holds an unpaired surrogate at index " + i;
            }
            if (Character.isLowSurrogate(c)) {
                return "holds an unpaired surrogate at index " + i;
            }
        }
        return null;
    }

    /**
     * The key in double quotes with every character that is not printable ASCII escaped as {@code
     * \\uXXXX} (and {@code "} and {@code \} escaped), at most {@value #SHOWN} characters of it: a
     * form that shows invisible characters and is safe in a log line.
     */
    public static String escape(String key) {
        StringBuilder out = new StringBuilder(Math.min(key.length(), SHOWN) + 8).append('"');
        int n = Math.min(key.length(), SHOWN);
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        out.append('"');
        if (key.length() > SHOWN) {
            out.append("… (").append(key.length()).append(" chars)");
        }
        return out.toString();
    }

    /** The bucket of a key: CRC-32C of its UTF-8 bytes, modulo {@value #BUCKETS}. Part of the table format. */
    public static int bucket(String key) {
        CRC32C crc = new CRC32C();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % BUCKETS);
    }

    /** The first bucket of {@code segment} of {@code segments}; the segment ends where the next begins. */
    public static int firstBucket(int segment, int segments) {
        return (int) ((long) segment * BUCKETS / segments);
    }
}
