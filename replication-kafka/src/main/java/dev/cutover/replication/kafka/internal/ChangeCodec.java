package dev.cutover.replication.kafka.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The record format: key = the change's key in UTF-8 (so that a key's changes share a partition),
 * value = one JSON object {@code {"key":..., "version":..., "kind":"UPSERT"|"DELETE",
 * "payload":...}}, the payload only for an upsert.
 *
 * <p>Exactness: the payload tree is written as Jackson writes it and read back with every number
 * that has a fraction or an exponent as a {@code BigDecimal} with its scale kept (never a {@code
 * double}), integers as {@code int}, {@code long} or {@code BigInteger} nodes by size, text in
 * UTF-8. A tree whose nodes are of those kinds (what Jackson itself reads from JSON) reads back
 * {@code equals} to the one written; a {@code double} node reads back as the decimal of its text.
 * Number lengths and nesting are not limited on reading beyond what writing allows, so whatever
 * was written reads back.
 *
 * <p>Decoding is strict: anything but exactly these fields with these types is not a change, and
 * {@link #decode} names what is wrong, never quoting the data. Immutable and thread-safe.
 */
public final class ChangeCodec {
    private static final Set<String> FIELDS = Set.of("key", "version", "kind", "payload");

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(Integer.MAX_VALUE)
                            .maxStringLength(Integer.MAX_VALUE)
                            .build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private ChangeCodec() {}

    /** A record that is not a change: why, in words that never quote the record's data. */
    public static final class NotAChange extends Exception {
        private static final long serialVersionUID = 1L;

        NotAChange(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The record key: the change's key in UTF-8. */
    public static byte[] key(Change change) {
        return change.key().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The record value.
     *
     * @throws IllegalArgumentException naming the change when its payload cannot be written as JSON
     */
    public static byte[] value(Change change) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("key", change.key());
        node.put("version", change.version());
        node.put("kind", change.kind().name());
        JsonNode payload = change.payload();
        if (payload != null) {
            node.set("payload", payload);
        }
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "change " + describe(change) + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The change a record value holds.
     *
     * @throws NotAChange naming what is missing or malformed
     */
    public static Change decode(byte @Nullable [] value) throws NotAChange {
        if (value == null) {
            throw new NotAChange("the record has no value (a tombstone record, not a change)");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(value);
        } catch (IOException e) {
            throw new NotAChange("the value is not JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (tree == null || !tree.isObject()) {
            throw new NotAChange("the value is not a JSON object but " + (tree == null ? "empty" : tree.getNodeType()));
        }
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new NotAChange("the value has the unknown field '" + name + "'");
            }
        }
        JsonNode key = tree.get("key");
        if (key == null || !key.isTextual()) {
            throw new NotAChange("field 'key' is " + kindOf(key) + ", not text");
        }
        JsonNode version = tree.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToLong()) {
            throw new NotAChange("field 'version' is " + kindOf(version) + ", not an integer of 64 bits");
        }
        JsonNode kind = tree.get("kind");
        if (kind == null || !kind.isTextual()) {
            throw new NotAChange("field 'kind' is " + kindOf(kind) + ", not text");
        }
        Change.Kind parsed;
        switch (kind.textValue()) {
            case "UPSERT" -> parsed = Change.Kind.UPSERT;
            case "DELETE" -> parsed = Change.Kind.DELETE;
            default -> throw new NotAChange("field 'kind' is neither UPSERT nor DELETE");
        }
        JsonNode payload = tree.get("payload");
        try {
            return new Change(key.textValue(), version.longValue(), parsed, payload);
        } catch (IllegalArgumentException e) {
            throw new NotAChange("not a valid change: " + e.getMessage());
        }
    }

    /** The record key as text, or null when it is absent or not UTF-8. */
    public static @Nullable String keyText(byte @Nullable [] key) {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code 'key' v7}: names a change without its payload. */
    public static String describe(Change change) {
        return "'" + change.key() + "' v" + change.version();
    }

    private static String kindOf(@Nullable JsonNode node) {
        return node == null ? "missing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
