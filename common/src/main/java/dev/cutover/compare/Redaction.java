package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Turns a differing pair of values into a {@link Difference}: keyed hashes always, the values
 * themselves only when revealing is on. One instance per comparison run (it keeps a {@link Mac},
 * which is not thread-safe), created lazily by the diff.
 *
 * <p>The hash is HMAC-SHA256, keyed with the {@link Comparison}'s random key, over the value's
 * canonical text ({@link CanonicalJson}), cut to 16 hex digits: equal values give equal hashes
 * within one {@code Comparison}, and a guessed value cannot be checked against a hash without the
 * key.
 */
final class Redaction {
    private static final String HMAC = "HmacSHA256";

    private final byte[] key;
    private final boolean reveal;
    private @Nullable Mac mac;

    Redaction(byte[] key, boolean reveal) {
        this.key = key;
        this.reveal = reveal;
    }

    Difference difference(
            NodePath path, Difference.Kind kind, @Nullable JsonNode oldValue, @Nullable JsonNode newValue) {
        String oldText = oldValue == null ? null : CanonicalJson.write(oldValue);
        String newText = newValue == null ? null : CanonicalJson.write(newValue);
        return new Difference(
                path.pointer(), kind, hash(oldText), hash(newText), reveal ? oldText : null, reveal ? newText : null);
    }

    @Nullable
    String hash(@Nullable String canonicalText) {
        if (canonicalText == null) {
            return null;
        }
        byte[] digest = mac().doFinal(canonicalText.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    private Mac mac() {
        Mac m = mac;
        if (m == null) {
            try {
                m = Mac.getInstance(HMAC);
                m.init(new SecretKeySpec(key, HMAC));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
            }
            mac = m;
        }
        return m;
    }
}
