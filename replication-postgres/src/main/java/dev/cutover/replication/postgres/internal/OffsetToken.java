package dev.cutover.replication.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a capture keeps in its checkpoint, as one string: Debezium's offsets, keys and values as
 * Debezium's converter wrote them (JSON bytes), in Base64. Format {@code
 * {"format":1,"offsets":{...}}}.
 */
public record OffsetToken(Map<ByteBuffer, ByteBuffer> offsets) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int FORMAT = 1;

    public OffsetToken {
        offsets = Map.copyOf(offsets);
    }

    /** This token as the checkpoint's string. */
    public String encode() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        ObjectNode entries = root.putObject("offsets");
        Base64.Encoder b64 = Base64.getEncoder();
        for (Map.Entry<ByteBuffer, ByteBuffer> e : offsets.entrySet()) {
            entries.put(b64.encodeToString(bytes(e.getKey())), b64.encodeToString(bytes(e.getValue())));
        }
        return root.toString();
    }

    /**
     * Reads a checkpoint's string.
     *
     * @throws IllegalArgumentException when it is not a token of this format
     */
    public static OffsetToken decode(String token) {
        try {
            JsonNode root = MAPPER.readTree(token);
            if (root == null
                    || root.path("format").asInt() != FORMAT
                    || !root.path("offsets").isObject()) {
                throw new IllegalArgumentException("not a capture checkpoint of format " + FORMAT);
            }
            Map<ByteBuffer, ByteBuffer> offsets = new LinkedHashMap<>();
            Base64.Decoder b64 = Base64.getDecoder();
            root.path("offsets")
                    .fields()
                    .forEachRemaining(e -> offsets.put(
                            ByteBuffer.wrap(b64.decode(e.getKey())),
                            ByteBuffer.wrap(b64.decode(e.getValue().asText()))));
            return new OffsetToken(offsets);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The offset a capture starts from when it has none: Debezium's PostgreSQL offset of a commit
     * at the slot's position {@code slotLsn}, under the key Debezium's engine {@code name} uses
     * (its partition {@code {"server": name}}, as topic prefix). Debezium then streams from the
     * slot's position, and the first transaction it decodes has {@code slotLsn} as the position of
     * the commit before it, on every start until a real offset replaces this one.
     */
    public static OffsetToken seed(String name, long slotLsn, long nowMicros) {
        ArrayNode key = MAPPER.createArrayNode();
        key.add(name);
        key.addObject().put("server", name);
        ObjectNode value = MAPPER.createObjectNode();
        value.put("lsn_proc", slotLsn);
        value.put("messageType", "COMMIT");
        value.put("lsn_commit", slotLsn);
        value.put("lsn", slotLsn);
        value.put("ts_usec", nowMicros);
        return new OffsetToken(Map.of(utf8(key.toString()), utf8(value.toString())));
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
