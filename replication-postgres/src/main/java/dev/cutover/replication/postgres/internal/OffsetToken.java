package dev.cutover.replication.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a capture keeps in its checkpoint, as one string: Debezium's offsets (its keys and values,
 * bytes as Debezium's converter wrote them, in Base64) and the position given to a transaction
 * decoded before any commit. Format {@code {"format":1,"firstTransactionLsn":N,"offsets":{...}}}.
 */
public record OffsetToken(long firstTransactionLsn, Map<ByteBuffer, ByteBuffer> offsets) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int FORMAT = 1;

    public OffsetToken {
        offsets = Map.copyOf(offsets);
    }

    /** This token as the checkpoint's string. */
    public String encode() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("firstTransactionLsn", firstTransactionLsn);
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
            return new OffsetToken(root.path("firstTransactionLsn").asLong(), offsets);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The first-transaction position of a stored token, if there is one. */
    public static OptionalLong firstTransactionLsn(String token) {
        return OptionalLong.of(decode(token).firstTransactionLsn());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
