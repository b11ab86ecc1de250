package dev.cutover.replication.internal;

import dev.cutover.replication.spi.SegmentedSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The layouts of segmented sources ({@link SegmentedSource#layout()}): digests of what decides a
 * split, the check of a layout's form, and the refusal a checkpoint store throws when a source's
 * layout is not the one its checkpoints were written under, so every store words it alike.
 */
public final class SegmentLayouts {
    /** Hex digits of a digest shown in a layout: 64 bits, enough to tell two splits apart. */
    private static final int DIGEST_HEX = 16;

    private SegmentLayouts() {}

    /** A short SHA-256 of the strings, each length-prefixed so that no two lists share an encoding. */
    public static String digest(List<String> values) {
        MessageDigest sha = sha256();
        for (String v : values) {
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha.update(bytes);
        }
        return shortHex(sha);
    }

    /** A short SHA-256 of the numbers. */
    public static String digest(long[] values) {
        MessageDigest sha = sha256();
        ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES * values.length);
        for (long v : values) {
            bytes.putLong(v);
        }
        sha.update(bytes.array());
        return shortHex(sha);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String shortHex(MessageDigest sha) {
        return HexFormat.of().formatHex(sha.digest()).substring(0, DIGEST_HEX);
    }

    /**
     * Returns {@code layout} when it is non-blank and at most {@value SegmentedSource#MAX_LAYOUT_LENGTH}
     * characters.
     *
     * @throws IllegalArgumentException otherwise, naming the layout
     */
    public static String check(String layout) {
        Objects.requireNonNull(layout, "layout");
        if (layout.isBlank() || layout.length() > SegmentedSource.MAX_LAYOUT_LENGTH) {
            throw new IllegalArgumentException("layout must be 1 to " + SegmentedSource.MAX_LAYOUT_LENGTH
                    + " characters, not blank, but was '" + layout + "' (" + layout.length() + " characters)");
        }
        return layout;
    }

    /**
     * The refusal of a checkpoint store ({@code store}) holding checkpoints of {@code storedSegments}
     * segments under {@code storedLayout} to prepare {@code segments} under {@code layout}.
     */
    public static IllegalStateException mismatch(
            String store, long storedSegments, String storedLayout, int segments, String layout) {
        return new IllegalStateException(store + " holds checkpoints of " + storedSegments + " segments with layout '"
                + storedLayout + "', but the source has " + segments + " segments with layout '" + layout + "': its"
                + " segments would cover other keys than the checkpoints, and rows could be skipped, so nothing was"
                + " copied. Resume with the source split as when the backfill started (a JdbcSource built with"
                + " JdbcSource.Builder.boundaries(...) given the boundaries it had then), or copy again from the start"
                + " with new checkpoints (another backfill name, or the checkpoints removed)");
    }
}
