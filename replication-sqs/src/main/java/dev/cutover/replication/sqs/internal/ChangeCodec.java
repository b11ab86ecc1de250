package dev.cutover.replication.sqs.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Change} as the body of an SQS message, and back: one JSON object
 *
 * <pre>{@code
 * {"cutover":1,"key":"order-17","version":42,"kind":"UPSERT","payload":{...}}
 * }</pre>
 *
 * ({@code payload} absent for a delete). Format 1; a body of any other format, with an unknown or
 * missing field, a kind other than {@code UPSERT} and {@code DELETE}, or a version that is not a
 * whole number is {@linkplain NotAChange not a change}.
 *
 * <p><b>Exactness.</b> Integers are written as their digits and read back as {@code int}, {@code
 * long} or {@code BigInteger} nodes by size (Jackson's own choice, so a payload read from JSON
 * text comes back equal as a tree); every number with a fraction or an exponent is read as an exact
 * {@code BigDecimal} with its scale kept ({@code 1.50} stays {@code 1.50}, {@code 1E+5} keeps its
 * exponent), never as a {@code double}; a {@code double} node is written as its shortest decimal
 * text and comes back as that decimal. Text is kept character for character: the characters SQS
 * refuses in a body (lone surrogates, U+FFFE and U+FFFF) are written as JSON escapes, which read
 * back as the same characters. What JSON cannot carry is refused when encoding, naming the key: a
 * NaN or infinite number, binary data, a Java object node, nesting deeper than {@value
 * #MAX_DEPTH}.
 *
 * <p>Thread-safe; the mapper is configured once.
 */
public final class ChangeCodec {
    /** The format this codec writes and the only one it reads. */
    public static final int FORMAT = 1;
    /** Deepest nesting of a payload (Jackson's own read limit is 1,000). */
    static final int MAX_DEPTH = 500;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final Set<String> FIELDS = Set.of("cutover", "key", "version", "kind", "payload");

    private ChangeCodec() {}

    /**
     * The message body of {@code change}.
     *
     * @throws IllegalArgumentException naming the key when its payload holds what JSON cannot carry
     */
    public static String encode(Change change) {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.put("cutover", FORMAT)
                .put("key", change.key())
                .put("version", change.version())
                .put("kind", change.kind().name());
        JsonNode payload = change.payload();
        if (payload != null) {
            checkCarriable(change, payload, "", 0);
            envelope.set("payload", payload);
        }
        try {
            return sqsSafe(MAPPER.writeValueAsString(envelope));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "the payload of " + change + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The change in a message body.
     *
     * @throws NotAChange when the body is not a change of this format, with the reason (never the
     *     body) and the key if the body named one
     */
    public static Change decode(String body) throws NotAChange {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new NotAChange(
                    null,
                    "not JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new NotAChange(null, "not a JSON object but " + describe(root));
        }
        JsonNode keyNode = root.get("key");
        String key = keyNode != null && keyNode.isTextual() ? keyNode.textValue() : null;
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new NotAChange(key, "unknown field '" + shorten(name) + "'");
            }
        }
        JsonNode format = root.get("cutover");
        if (format == null) {
            throw new NotAChange(key, "no 'cutover' format field: not a change written by Cutover");
        }
        if (!format.isIntegralNumber() || !format.canConvertToInt() || format.intValue() != FORMAT) {
            throw new NotAChange(
                    key,
                    "unknown format " + (format.isNumber() ? format.asText() : describe(format))
                            + " (this reader knows " + FORMAT + ")");
        }
        if (key == null) {
            throw new NotAChange(null, "'key' must be text but was " + describe(keyNode));
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber()) {
            throw new NotAChange(key, "'version' must be a whole number but was " + describe(version));
        }
        if (!version.canConvertToLong()) {
            throw new NotAChange(key, "'version' " + version.asText() + " is beyond the range of a long");
        }
        Change.Kind kind = kind(key, root.get("kind"));
        JsonNode payload = root.get("payload");
        if (kind == Change.Kind.UPSERT && payload == null) {
            throw new NotAChange(key, "an upsert without 'payload'");
        }
        if (kind == Change.Kind.DELETE && payload != null) {
            throw new NotAChange(key, "a delete carrying a 'payload'");
        }
        try {
            return new Change(key, version.longValue(), kind, payload);
        } catch (IllegalArgumentException e) {
            throw new NotAChange(key, String.valueOf(e.getMessage()));
        }
    }

    private static Change.Kind kind(String key, @Nullable JsonNode kind) throws NotAChange {
        if (kind != null && kind.isTextual()) {
            switch (kind.textValue()) {
                case "UPSERT":
                    return Change.Kind.UPSERT;
                case "DELETE":
                    return Change.Kind.DELETE;
                default:
                    throw new NotAChange(
                            key, "unknown kind '" + shorten(kind.textValue()) + "' (expected UPSERT or DELETE)");
            }
        }
        throw new NotAChange(key, "'kind' must be UPSERT or DELETE but was " + describe(kind));
    }

    private static void checkCarriable(Change change, JsonNode node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(
                    "the payload of " + change + " nests deeper than " + MAX_DEPTH + " levels at " + path);
        }
        switch (node.getNodeType()) {
            case OBJECT -> {
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    checkCarriable(change, field.getValue(), path + "/" + field.getKey(), depth + 1);
                }
            }
            case ARRAY -> {
                for (int i = 0; i < node.size(); i++) {
                    checkCarriable(change, node.get(i), path + "/" + i, depth + 1);
                }
            }
            case NUMBER -> {
                if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                    throw new IllegalArgumentException("the payload of " + change + " holds " + node.doubleValue()
                            + " at " + where(path) + ", which JSON cannot carry");
                }
            }
            case BINARY, POJO, MISSING ->
                throw new IllegalArgumentException("the payload of " + change + " holds a "
                        + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " node at " + where(path)
                        + ", which would not come back as written from JSON text");
            default -> {
                // text, boolean and null are carried as they are
            }
        }
    }

    private static String where(String path) {
        return path.isEmpty() ? "its root" : path;
    }

    /**
     * {@code json} with every character SQS refuses in a message body written as a JSON escape.
     * SQS accepts {@code #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF}; Jackson
     * already escapes the control characters, so what is left to escape are lone surrogates and
     * U+FFFE, U+FFFF. They can only stand inside a JSON string, where an escape means the same
     * character.
     */
    static String sqsSafe(String json) {
        StringBuilder out = null;
        int n = json.length();
        for (int i = 0; i < n; i++) {
            char c = json.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(json.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(json.charAt(i + 1));
                }
                i++;
                continue;
            }
            boolean refused = Character.isSurrogate(c)
                    || c == '\uFFFE'
                    || c == '\uFFFF'
                    || (c < 0x20 && c != '\t' && c != '\n' && c != '\r');
            if (refused) {
                if (out == null) {
                    out = new StringBuilder(n + 16).append(json, 0, i);
                }
                out.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? json : out.toString();
    }

    /** The size of {@code s} in UTF-8, as SQS counts a body, without encoding it. */
    public static long utf8Length(String s) {
        long bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String describe(@Nullable JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        if (node.isNumber() && !node.isIntegralNumber()) {
            return "a number with a fraction or an exponent";
        }
        return switch (node.getNodeType()) {
            case STRING -> "text";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
