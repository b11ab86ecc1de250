package dev.cutover.dualwrite.replication.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * A 128-bit digest of one normalized row (its key and its canonical payload), to be summed into
 * its bucket's digest.
 *
 * <p>Design: SHA-256 over an unambiguous encoding of the tree: every node starts with its type
 * tag, strings and names carry their length, containers their size, object fields go in name
 * order (canonical trees hold them so). So two trees get the same bytes exactly when they are equal, {@code NaN} cannot pass for
 * the string {@code "NaN"}, and field order does not matter. The first 16 bytes of the hash are
 * two longs. A bucket's digest is the count of its rows and the sums (mod 2^64) of those longs:
 * addition is order-independent, so a source read in any order (a DynamoDB scan) gives the same
 * digest, and unlike XOR a row read twice does not cancel out. Not thread-safe: one per scan.
 */
final class ReconcileRowDigest {
  private final MessageDigest sha;
  private final ByteBuffer scratch = ByteBuffer.allocate(8);
  private final byte[] ascii = new byte[256];

  ReconcileRowDigest() {
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
    sha.reset();
    text('K', key);
    node(canonicalPayload);
    byte[] hash = sha.digest();
    ByteBuffer b = ByteBuffer.wrap(hash);
    out[0] = b.getLong();
    out[1] = b.getLong();
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
        for (JsonNode element : n) {
          node(element);
        }
      }
      case STRING -> text('S', n.textValue());
      case NUMBER -> text(n.isDouble() || n.isFloat() ? 'D' : 'N', n.asText());
      case BOOLEAN -> sha.update((byte) (n.booleanValue() ? 'T' : 'F'));
      case NULL, MISSING -> sha.update((byte) 'Z');
      case BINARY, POJO -> text('P', n.toString());
    }
  }

  private void text(char tag, String s) {
    int n = s.length();
    if (n <= ascii.length) {
      // the common case without allocating: ASCII text is its own UTF-8
      int i = 0;
      while (i < n && s.charAt(i) < 0x80) {
        ascii[i] = (byte) s.charAt(i);
        i++;
      }
      if (i == n) {
        length(tag, n);
        sha.update(ascii, 0, n);
        return;
      }
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    length(tag, bytes.length);
    sha.update(bytes);
  }

  private void length(char tag, long length) {
    sha.update((byte) tag);
    scratch.clear();
    scratch.putLong(length);
    sha.update(scratch.array());
  }
}
