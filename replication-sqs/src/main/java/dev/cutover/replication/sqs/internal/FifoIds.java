package dev.cutover.replication.sqs.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The message group and deduplication ids of a change sent to a FIFO queue.
 *
 * <ul>
 *   <li><b>Group: the change's key.</b> SQS delivers a group's messages in order and holds back the
 *       rest of a group while one of its messages is in flight; grouping by key keeps every key's
 *       changes in the order they were offered (fewer superseded applies, no wasted writes) and
 *       blocks nothing but later changes of the same key, so consumers run in parallel across
 *       keys. A key SQS would not accept as a group id (beyond 128 characters, or with characters
 *       other than printable ASCII) is replaced by {@code sha256:} and the hex digest of its UTF-8
 *       bytes: still one group per key.
 *   <li><b>Deduplication: one id per offer.</b> Each accepted offer gets a random id that every
 *       retry of its send carries, so SQS drops only a resent copy of one offer (a batch retried
 *       after a lost answer). The same change offered twice is two messages: both are delivered,
 *       and the second ends {@code DUPLICATE} in the versioned apply, as on a standard queue. Had
 *       SQS dropped it, a mirror would wait for an apply that never comes ({@code awaitQuiet},
 *       {@code close}).
 * </ul>
 */
public final class FifoIds {
    private static final HexFormat HEX = HexFormat.of();

    private FifoIds() {}

    /** The message group id of {@code key}. */
    public static String groupId(String key) {
        if (key.length() <= 128 && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7E)) {
            return key;
        }
        return "sha256:" + HEX.formatHex(sha256(key));
    }

    /** A new deduplication id for one offer: a random UUID. */
    public static String offerId() {
        return UUID.randomUUID().toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
