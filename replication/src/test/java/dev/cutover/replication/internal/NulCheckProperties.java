package dev.cutover.replication.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The PostgreSQL apply checks the JSON text it binds for a NUL character instead of walking the
 * payload tree: both checks agree on every tree, with strings full of backslashes, {@code u0000}
 * look-alikes and NULs, in values and in field names.
 */
class NulCheckProperties {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    @Property(tries = 1000)
    void theTextCheckAgreesWithTheTreeCheck(@ForAll("trees") JsonNode tree) throws Exception {
        String json = MAPPER.writeValueAsString(tree);
        assertThat(ChangeChecks.jsonHoldsNul(json)).as("%s", json).isEqualTo(ChangeChecks.holdsNul(tree));
    }

    @Property(tries = 200)
    void aNulAnywhereIsFound(@ForAll("tricky") String before, @ForAll("tricky") String after) throws Exception {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("a", before + "\0" + after);
        assertThat(ChangeChecks.jsonHoldsNul(MAPPER.writeValueAsString(tree))).isTrue();
        ObjectNode named = JsonNodeFactory.instance.objectNode();
        named.put(before + "\0" + after, 1);
        assertThat(ChangeChecks.jsonHoldsNul(MAPPER.writeValueAsString(named))).isTrue();
    }

    @Provide
    Arbitrary<String> tricky() {
        return Arbitraries.oneOf(List.of(
                        Arbitraries.of(
                                "",
                                "\\",
                                "\\\\",
                                "u0000",
                                "\\u0000",
                                "\\\\u0000",
                                "\\\\\\u0000",
                                "\"",
                                "\u0001",
                                "\\u"),
                        Arbitraries.strings()
                                .withChars('\\', 'u', '0', '1', '\0', '"', 'a')
                                .ofMaxLength(12)))
                .list()
                .ofMaxSize(4)
                .map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<JsonNode> trees() {
        return Arbitraries.lazyOf(
                () -> tricky().map(s -> (JsonNode) JsonNodeFactory.instance.textNode(s)),
                () -> Arbitraries.integers().map(i -> (JsonNode) JsonNodeFactory.instance.numberNode(i)),
                () -> Arbitraries.entries(tricky(), trees()).list().ofMaxSize(3).map(entries -> {
                    ObjectNode o = JsonNodeFactory.instance.objectNode();
                    entries.forEach(e -> o.set(e.getKey(), e.getValue()));
                    return (JsonNode) o;
                }),
                () -> trees().list().ofMaxSize(3).map(elements -> {
                    ArrayNode a = JsonNodeFactory.instance.arrayNode();
                    elements.forEach(a::add);
                    return (JsonNode) a;
                }));
    }
}
