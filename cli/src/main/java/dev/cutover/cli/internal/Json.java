package dev.cutover.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.spi.AuditText;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * The JSON written to standard output with {@code --output json}: one pretty-printed document.
 * Besides the control characters JSON always escapes, C1 controls, line and paragraph separators
 * and bidirectional controls ({@link AuditText#isForging}) are written as {@code \}{@code uXXXX}, so
 * a string value (an audit reason) read in a terminal or pasted into a script stays on its line
 * and reads in order; the parsed value is unchanged.
 */
final class Json {
    static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    static {
        MAPPER.getFactory().setCharacterEscapes(new ForgingEscapes());
    }

    /** Escapes every code point {@link AuditText#isForging} flags, on top of the standard escapes. */
    private static final class ForgingEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        ForgingEscapes() {
            ascii[0x7F] = ESCAPE_CUSTOM; // DEL: ASCII, so not covered by getEscapeSequence's non-ASCII path
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public @Nullable SerializableString getEscapeSequence(int ch) {
            return AuditText.isForging(ch)
                    ? new SerializedString(String.format(java.util.Locale.ROOT, "\\u%04x", ch))
                    : null;
        }
    }

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses JSON text (a flag document), or JSON null for null or unreadable text. */
    static JsonNode parse(@Nullable String text) {
        if (text == null) {
            return NullNode.getInstance();
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return MAPPER.getNodeFactory().textNode(text);
        }
    }

    static void print(PrintWriter out, JsonNode node) {
        try {
            out.println(MAPPER.writeValueAsString(node));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
