package dev.cutover.replication.dynamodb.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Resume tokens of parallel-scan segments: a scan's {@code LastEvaluatedKey} and its segment,
 * as URL-safe Base64 of a small JSON document ({@code {"v":1,"seg":2,"key":{"pk":{"S":"..."}}}}).
 * The key's attributes are scalar ({@code S}, {@code N} or {@code B}), as DynamoDB keys are.
 * Decoding checks the format and the segment and names the token when either is wrong; that the
 * key belongs to the table is checked by DynamoDB when the scan resumes.
 */
public final class ScanTokens {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private ScanTokens() {}

    /** The token that resumes {@code segment} after {@code lastEvaluatedKey}. */
    public static String encode(int segment, Map<String, AttributeValue> lastEvaluatedKey) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("v", 1);
        root.put("seg", segment);
        ObjectNode key = root.putObject("key");
        lastEvaluatedKey.forEach((name, value) -> {
            ObjectNode typed = key.putObject(name);
            switch (value.type()) {
                case S -> typed.put("S", value.s());
                case N -> typed.put("N", value.n());
                case B ->
                    typed.put("B", Base64.getEncoder().encodeToString(value.b().asByteArrayUnsafe()));
                default ->
                    throw new IllegalStateException("key attribute " + name + " has non-key type " + value.type());
            }
        });
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(root.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The {@code ExclusiveStartKey} in {@code token}, or null for a null token.
     *
     * @throws IllegalArgumentException naming the token when it is not one of these tokens or was
     *     issued for another segment
     */
    public static @Nullable Map<String, AttributeValue> decode(@Nullable String token, int segment, String source) {
        if (token == null) {
            return null;
        }
        JsonNode root;
        try {
            if (token.length() > MAX_TOKEN_LENGTH) {
                throw new IllegalArgumentException("longer than " + MAX_TOKEN_LENGTH);
            }
            root = MAPPER.readTree(Base64.getUrlDecoder().decode(token));
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    source + " did not issue token '" + shorten(token) + "': " + e.getMessage(), e);
        }
        if (root == null
                || root.path("v").asInt() != 1
                || !root.path("seg").isInt()
                || !root.path("key").isObject()
                || root.path("key").isEmpty()) {
            throw new IllegalArgumentException(source + " did not issue token '" + shorten(token) + "'");
        }
        int issuedFor = root.get("seg").asInt();
        if (issuedFor != segment) {
            throw new IllegalArgumentException("token '" + shorten(token) + "' resumes segment " + issuedFor + " of "
                    + source + " but was passed for segment " + segment);
        }
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> attribute : root.get("key").properties()) {
            JsonNode typed = attribute.getValue();
            if (typed.size() != 1) {
                throw new IllegalArgumentException(source + " did not issue token '" + shorten(token) + "'");
            }
            key.put(attribute.getKey(), scalar(typed, token, source));
        }
        return key;
    }

    private static AttributeValue scalar(JsonNode typed, String token, String source) {
        Map.Entry<String, JsonNode> only = typed.properties().iterator().next();
        if (!only.getValue().isTextual()) {
            throw new IllegalArgumentException(source + " did not issue token '" + shorten(token) + "'");
        }
        String text = only.getValue().textValue();
        try {
            return switch (only.getKey()) {
                case "S" -> AttributeValue.fromS(text);
                case "N" -> AttributeValue.fromN(checkedNumber(text));
                case "B" ->
                    AttributeValue.fromB(
                            SdkBytes.fromByteArray(Base64.getDecoder().decode(text)));
                default -> throw new IllegalArgumentException("type " + only.getKey());
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    source + " did not issue token '" + shorten(token) + "': " + e.getMessage(), e);
        }
    }

    private static String checkedNumber(String text) {
        new BigDecimal(text); // NumberFormatException, an IllegalArgumentException, for anything else
        return text;
    }

    private static String shorten(String token) {
        return token.length() <= 80 ? token : token.substring(0, 77) + "...";
    }
}
