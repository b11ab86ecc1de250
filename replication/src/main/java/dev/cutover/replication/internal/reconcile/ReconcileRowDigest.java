package dev.cutover.replication.internal.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;

/**
 * A 128-bit digest of one normalized row (its key and its canonical payload), to be summed into
 * its bucket's digest.
 *
 * <p>Design: SHA-256 over an unambiguous encoding of the tree: every node starts with its type
 * tag, strings and names carry their length, containers their size (lengths as unsigned varints,
 * which no prefix of another varint equals), object fields go in name order (canonical trees hold
 * them so). So two trees get the same bytes exactly when they are equal, {@code NaN} cannot pass
 * for the string {@code "NaN"}, and field order does not matter. The encoding is built in a
 * reusable buffer and hashed in one call. The first 16 bytes of the hash are two longs. A
 * bucket's digest is the count of its rows and the sums (mod 2^64) of those longs: addition is
 * order-independent, so a source read in any order (a DynamoDB scan) gives the same digest, and
 * unlike XOR a row read twice does not cancel out. The same encoding without the key, hashed
 * whole, is {@link dev.cutover.replication.PayloadDigest}. Not thread-safe: one per
 * scan.
 */
public final class ReconcileRowDigest {
    private final MessageDigest sha;
    private byte[] buffer = new byte[1024];
    private int size;

    public ReconcileRowDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Digests {@code key} and {@code canonicalPayload} (as {@code Comparison.canonicalize} returns
     * it: fields sorted by name); returns the two halves in {@code out}.
     */
    void digest(String key, JsonNode canonicalPayload, long[] out) {
        size = 0;
        text('K', key);
        node(canonicalPayload);
        sha.update(buffer, 0, size);
        ByteBuffer b = ByteBuffer.wrap(sha.digest());
        out[0] = b.getLong();
        out[1] = b.getLong();
    }

    /** The SHA-256 of {@code canonicalPayload} alone, encoded as for a row digest. */
    public byte[] payloadHash(JsonNode canonicalPayload) {
        size = 0;
        node(canonicalPayload);
        sha.update(buffer, 0, size);
        return sha.digest();
    }

    private void node(JsonNode n) {
        switch (n.getNodeType()) {
            case OBJECT -> {
                // canonical trees hold their fields sorted by name, without MissingNodes (CanonicalTree)
                length('O', n.size());
                for (Map.Entry<String, JsonNode> f : n.properties()) {
                    text('F', f.getKey());
                    node(f.getValue());
                }
            }
            case ARRAY -> {
                length('A', n.size());
                for (int i = 0; i < n.size(); i++) {
                    node(n.get(i));
                }
            }
            case STRING -> text('S', n.textValue());
            case NUMBER -> text(n.isDouble() || n.isFloat() ? 'D' : 'N', n.asText());
            case BOOLEAN -> put((byte) (n.booleanValue() ? 'T' : 'F'));
            case NULL, MISSING -> put((byte) 'Z');
            case BINARY, POJO -> text('P', n.toString());
        }
    }

    private void text(char tag, String s) {
        int n = s.length();
        int i = 0;
        ensure(n + 11);
        int start = size + 1 + varintLength(n);
        // ASCII text is its own UTF-8: copied without allocating
        while (i < n && s.charAt(i) < 0x80) {
            buffer[start + i] = (byte) s.charAt(i);
            i++;
        }
        if (i == n) {
            length(tag, n);
            size += n;
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        length(tag, bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    private void length(char tag, long length) {
        ensure(11);
        buffer[size++] = (byte) tag;
        long v = length;
        while ((v & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buffer[size++] = (byte) v;
    }

    private static int varintLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private void put(byte b) {
        ensure(1);
        buffer[size++] = b;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
