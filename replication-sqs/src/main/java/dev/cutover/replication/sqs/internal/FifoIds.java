package dev.cutover.replication.sqs.internal;

import dev.cutover.replication.Change;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
 *   <li><b>Deduplication: the digest of key, version and kind.</b> Within SQS's five-minute window
 *       a second send of the same change (a retried batch, or the same change observed twice) is
 *       dropped by SQS: exactly what the versioned apply would have called {@code DUPLICATE}, since
 *       a key's version names its content.
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

    /** The deduplication id of {@code change}: 64 hex digits. */
    public static String deduplicationId(Change change) {
        return HEX.formatHex(sha256(change.key() + '\u0000' + change.version() + '\u0000' + change.kind()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
