package dev.cutover.compare;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of JSON trees for the comparison properties, and the test side's own view of paths
 * (written here rather than borrowed from the code under test, so that each checks the other).
 *
 * <p>Field names come from a small set, so that generated normalizer settings hit them, and
 * include {@code ~}, {@code /} and the empty name to exercise JSON Pointer escaping. String values
 * are drawn from characters that appear in no field name, hash, enum constant or record text of a
 * {@link ComparisonResult} (non-ASCII letters, quotes, backslashes, blanks): the redaction
 * property can then search a result's text for a value without a false alarm.
 */
final class JsonTrees {
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final List<String> KEYS = List.of("a", "b", "id", "ts", "m~n", "p/q", "~1", "");
    static final String VALUE_CHARS = "éüßΩ€ж \"\\\t";
    private static final Instant FROM = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2030-01-01T00:00:00Z");

    private JsonTrees() {}

    /** A document: an object holding trees up to {@code depth} more levels. */
    static Arbitrary<JsonNode> documents(int depth) {
        return objects(trees(depth));
    }

    static Arbitrary<JsonNode> trees(int depth) {
        if (depth == 0) {
            return leaves();
        }
        Arbitrary<JsonNode> child = Arbitraries.lazy(() -> trees(depth - 1));
        return Arbitraries.frequencyOf(Tuple.of(4, leaves()), Tuple.of(3, objects(child)), Tuple.of(2, arrays(child)));
    }

    /** Objects; a field {@code ts} holds epoch milliseconds half the time, for the epoch-millis setting. */
    static Arbitrary<JsonNode> objects(Arbitrary<JsonNode> child) {
        Arbitrary<Long> millis = Arbitraries.longs().between(FROM.toEpochMilli(), TO.toEpochMilli());
        return Combinators.combine(
                        Arbitraries.maps(Arbitraries.of(KEYS), child).ofMaxSize(4), millis, Arbitraries.of(true, false))
                .as((fields, epochMillis, useMillis) -> {
                    ObjectNode object = F.objectNode();
                    fields.forEach(object::set);
                    if (useMillis && object.has("ts")) {
                        object.put("ts", epochMillis);
                    }
                    return object;
                });
    }

    static Arbitrary<JsonNode> arrays(Arbitrary<JsonNode> child) {
        return child.list().ofMaxSize(4).map(elements -> {
            ArrayNode array = F.arrayNode();
            elements.forEach(array::add);
            return array;
        });
    }

    static Arbitrary<JsonNode> leaves() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, numbers()),
                Tuple.of(2, strings().map(TextNode::valueOf)),
                Tuple.of(2, timestamps().map(TextNode::valueOf)),
                Tuple.of(1, Arbitraries.of(BooleanNode.TRUE, BooleanNode.FALSE)),
                Tuple.of(1, Arbitraries.just(NullNode.getInstance())));
    }

    /** Numbers in every representation Jackson produces, with trailing zeros and small fractions. */
    static Arbitrary<JsonNode> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-1000, 1000).map(IntNode::valueOf),
                Arbitraries.longs()
                        .between(FROM.toEpochMilli(), TO.toEpochMilli())
                        .map(LongNode::valueOf),
                Arbitraries.doubles().between(-1000, 1000).ofScale(4).map(DoubleNode::valueOf),
                Arbitraries.bigDecimals()
                        .between(BigDecimal.valueOf(-1000), BigDecimal.valueOf(1000))
                        .ofScale(5)
                        .map(DecimalNode::valueOf));
    }

    static Arbitrary<String> strings() {
        return Arbitraries.strings().withChars(VALUE_CHARS).ofMinLength(1).ofMaxLength(10);
    }

    /** ISO-8601 date-times in the forms the timestamp normalizer reads, at various precisions. */
    static Arbitrary<String> timestamps() {
        Arbitrary<Instant> instants = Combinators.combine(
                        Arbitraries.longs().between(FROM.getEpochSecond(), TO.getEpochSecond()),
                        Arbitraries.oneOf(
                                Arbitraries.just(0),
                                Arbitraries.integers().between(0, 999).map(m -> m * 1_000_000),
                                Arbitraries.integers().between(0, 999_999_999)))
                .as(Instant::ofEpochSecond);
        return Combinators.combine(instants, Arbitraries.integers().between(0, 4))
                .as(JsonTrees::formatted);
    }

    /** One instant in one of five textual forms. */
    static String formatted(Instant instant, int form) {
        return switch (form) {
            case 0 -> instant.toString();
            case 1 ->
                LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        + "+00:00";
            case 2 ->
                OffsetDateTime.ofInstant(instant, ZoneOffset.ofHours(2)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            case 3 ->
                OffsetDateTime.ofInstant(instant, ZoneOffset.ofHoursMinutes(-5, -30))
                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            default -> LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        };
    }

    /** A small random tree, for the junk a perturbation puts where nothing is compared. */
    static JsonNode junk(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> IntNode.valueOf(random.nextInt(100));
            case 1 -> TextNode.valueOf("ж" + random.nextInt(100));
            case 2 -> NullNode.getInstance();
            case 3 -> F.objectNode().put("a", random.nextInt(3));
            default -> F.arrayNode().add(random.nextBoolean()).add("Ω");
        };
    }

    /** RFC 6901 escaping, written independently of the code under test. */
    static String escape(String name) {
        StringBuilder out = new StringBuilder();
        for (char c : name.toCharArray()) {
            out.append(c == '~' ? "~0" : c == '/' ? "~1" : String.valueOf(c));
        }
        return out.toString();
    }

    static String pointer(List<String> segments) {
        StringBuilder out = new StringBuilder();
        segments.forEach(s -> out.append('/').append(escape(s)));
        return out.toString();
    }

    /** A path in a tree: its segments and whether the last one is a field name. */
    record Location(List<String> segments, boolean field) {
        String pointer() {
            return JsonTrees.pointer(segments);
        }

        Location child(String segment, boolean isField) {
            List<String> longer = new ArrayList<>(segments);
            longer.add(segment);
            return new Location(longer, isField);
        }

        boolean isAncestorOrSelfOf(Location other) {
            return other.segments.size() >= segments.size()
                    && other.segments.subList(0, segments.size()).equals(segments);
        }

        boolean nestedWith(Location other) {
            return isAncestorOrSelfOf(other) || other.isAncestorOrSelfOf(this);
        }

        static Location root() {
            return new Location(List.of(), false);
        }
    }

    /** Every node below the root, parents before children. */
    static List<Location> locations(JsonNode tree) {
        List<Location> out = new ArrayList<>();
        collect(tree, Location.root(), out);
        return out;
    }

    private static void collect(JsonNode node, Location at, List<Location> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                Location child = at.child(field.getKey(), true);
                out.add(child);
                collect(field.getValue(), child, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Location child = at.child(Integer.toString(i), false);
                out.add(child);
                collect(node.get(i), child, out);
            }
        }
    }

    static JsonNode at(JsonNode tree, String pointer) {
        return tree.at(JsonPointer.compile(pointer));
    }

    /** Every string value in a tree. */
    static List<String> stringLeaves(JsonNode tree) {
        List<String> out = new ArrayList<>();
        List<JsonNode> pending = new ArrayList<>(List.of(tree));
        while (!pending.isEmpty()) {
            JsonNode node = pending.remove(pending.size() - 1);
            if (node.isTextual()) {
                out.add(node.textValue());
            }
            node.forEach(pending::add);
        }
        return out;
    }
}
