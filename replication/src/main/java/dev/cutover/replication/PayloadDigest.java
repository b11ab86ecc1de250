package dev.cutover.replication;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.compare.Comparison;
import dev.cutover.replication.internal.reconcile.ReconcileRowDigest;
import dev.cutover.replication.spi.VersionedTarget;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The content digest of a payload: what a reconciliation records of each row it finds different,
 * and what {@link VersionedTarget#replaceIfUnchanged} compares the stored row with, so that a
 * repair overwrites only the content the reconciliation saw.
 *
 * <pre>{@code
 * String seen = PayloadDigest.of(row.payload());   // 64 lower-case hex digits
 * }</pre>
 *
 * <p><b>Canonical form.</b> The digest is the SHA-256 of an unambiguous encoding of the payload's
 * canonical form ({@link Comparison#canonicalize} without normalizers): object fields in any
 * order, and numbers by value. So numerically equal payloads have equal digests ({@code 1}, {@code
 * 1L}, {@code 1.0}, {@code 1.00} and {@code 1E+0} are one value; a {@code long} read back from JSON
 * text equals the {@code int} written), and payloads that differ in any value differ ({@code
 * 12345678901234567.89} and {@code 12345678901234567.90} do; the string {@code "1"} and the number
 * {@code 1} do; text is compared code point for code point, without Unicode normalization).
 * Comparison normalizers (ignored fields, rounding) play no part: the digest is of the content as
 * stored. Stable across releases and processes: a report written by one process is repaired by
 * another.
 *
 * <p>Thread-safe; each call allocates its own hashing state.
 *
 * @since 0.1.0
 */
public final class PayloadDigest {
    /** The digest of a tombstone, which no payload has: {@code "tombstone"}. */
    public static final String TOMBSTONE = "tombstone";
    /** Canonical form only: no normalizers, no unordered arrays. */
    private static final Comparison CANONICAL = Comparison.builder().build();

    private PayloadDigest() {}

    /**
     * The digest of {@code payload}: 64 lower-case hexadecimal digits.
     *
     * @throws IllegalArgumentException when the payload cannot be brought to canonical form (it
     *     nests deeper than 256 levels, or holds an object Jackson cannot serialize)
     */
    public static String of(JsonNode payload) {
        Objects.requireNonNull(payload, "payload");
        JsonNode canonical = CANONICAL.canonicalize(payload);
        return HexFormat.of().formatHex(new ReconcileRowDigest().payloadHash(canonical));
    }

    /** The digest of a change's payload, or {@link #TOMBSTONE} for a delete. */
    public static String of(Change change) {
        Objects.requireNonNull(change, "change");
        JsonNode payload = change.payload();
        return payload == null ? TOMBSTONE : of(payload);
    }
}
