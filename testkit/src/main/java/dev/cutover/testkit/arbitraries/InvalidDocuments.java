package dev.cutover.testkit.arbitraries;

import static dev.cutover.testkit.arbitraries.FlagArbitraries.w;
import static dev.cutover.testkit.arbitraries.FlagArbitraries.weighted;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cutover.flags.Clause;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Operator;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.VariantType;
import dev.cutover.testkit.arbitraries.InvalidFlagDocument.Kind;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/** Builds invalid documents by breaking one thing in a valid generated flag. */
final class InvalidDocuments {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Operator names that {@link Operator#fromJsonName(String)} does not know. */
    private static final List<String> UNKNOWN_OPERATORS =
            List.of("regex", "matches", "between", "semverLte", "notIn", "EQUALZ", "greaterThan", "~=", "");

    private static final List<String> BAD_KEYS = List.of(
            "has space",
            "slash/key",
            "colon:key",
            "ümlaut",
            "emoji-🚀",
            "tab\tkey",
            "semi;colon",
            "quote'key",
            "percent%",
            "orders.new checkout",
            "a".repeat(129));

    private InvalidDocuments() {}

    static Arbitrary<InvalidFlagDocument> malformed() {
        return FlagArbitraries.flags().flatMap(flag -> {
            String json = flag.toJson();
            String key = flag.key();
            Arbitrary<InvalidFlagDocument> truncated = Arbitraries.integers()
                    .between(1, json.length() - 1)
                    .map(n -> doc(Kind.MALFORMED_JSON, key, json.substring(0, n), "truncated at " + n));
            Arbitrary<InvalidFlagDocument> trailing = Arbitraries.of("}", " x", ",", "{}", " null")
                    .map(t -> doc(Kind.MALFORMED_JSON, key, json + t, "trailing '" + t + "'"));
            // the canonical form starts {"key":...,"on":...; a second "on" is a duplicate field
            InvalidFlagDocument duplicate =
                    doc(Kind.MALFORMED_JSON, key, "{\"on\":false," + json.substring(1), "duplicate field 'on'");
            InvalidFlagDocument singleQuotes = doc(Kind.MALFORMED_JSON, key, json.replace('"', '\''), "single quotes");
            InvalidFlagDocument equalsSign =
                    doc(Kind.MALFORMED_JSON, key, json.replaceFirst("\":", "\"="), "'=' instead of ':'");
            InvalidFlagDocument array = doc(Kind.MALFORMED_JSON, key, "[" + json + "]", "an array, not an object");
            return weighted(
                    w(3, truncated), w(2, trailing), w(1, Arbitraries.of(duplicate, singleQuotes, equalsSign, array)));
        });
    }

    static Arbitrary<InvalidFlagDocument> unknownOperator() {
        return FlagArbitraries.flags().map(InvalidDocuments::withRule).flatMap(flag -> {
            int rules = flag.rules().size();
            return Combinators.combine(
                            Arbitraries.integers().between(0, rules - 1),
                            Arbitraries.integers().between(0, 2),
                            Arbitraries.of(UNKNOWN_OPERATORS))
                    .as((r, c, op) -> {
                        ObjectNode tree = tree(flag);
                        ArrayNode clauses = (ArrayNode) tree.get("rules").get(r).get("clauses");
                        int clause = Math.min(c, clauses.size() - 1);
                        ((ObjectNode) clauses.get(clause)).put("op", op);
                        return doc(
                                Kind.UNKNOWN_OPERATOR,
                                flag.key(),
                                write(tree),
                                "operator '" + op + "' in rules[" + r + "].clauses[" + clause + "]");
                    });
        });
    }

    private static Flag withRule(Flag flag) {
        if (!flag.rules().isEmpty()) {
            return flag;
        }
        return flag.toBuilder()
                .rule(Rule.when(
                        Serve.variant(
                                flag.offVariant().orElse(flag.variantNames().get(0))),
                        Clause.of("country", Operator.IN, "DE")))
                .build();
    }

    static Arbitrary<InvalidFlagDocument> typeMismatch() {
        return Arbitraries.of(VariantType.BOOLEAN, VariantType.STRING, VariantType.NUMBER)
                .flatMap(FlagArbitraries::flags)
                .flatMap(flag -> Combinators.combine(
                                Arbitraries.of(flag.variantNames()),
                                Arbitraries.of(true, false),
                                Arbitraries.of(true, false))
                        .as((variant, changeValue, first) -> {
                            ObjectNode tree = tree(flag);
                            String defect;
                            if (changeValue) {
                                JsonNode wrong = wrongValue(flag.type(), first);
                                ((ObjectNode) tree.get("variants")).set(variant, wrong);
                                defect = "variant '" + variant + "' = " + wrong + " in a " + typeName(flag.type())
                                        + " flag";
                            } else {
                                VariantType other = wrongType(flag.type(), first);
                                tree.put("type", typeName(other));
                                defect = typeName(flag.type()) + " variants in a flag of type " + typeName(other);
                            }
                            return doc(Kind.VARIANT_TYPE_MISMATCH, flag.key(), write(tree), defect);
                        }));
    }

    private static JsonNode wrongValue(VariantType type, boolean first) {
        return switch (type) {
            case BOOLEAN -> first ? TextNode.valueOf("yes") : IntNode.valueOf(1);
            case STRING -> first ? IntNode.valueOf(42) : BooleanNode.TRUE;
            case NUMBER -> first ? TextNode.valueOf("42") : BooleanNode.FALSE;
            case JSON -> throw new IllegalArgumentException("every value fits a json flag");
        };
    }

    private static VariantType wrongType(VariantType type, boolean first) {
        return switch (type) {
            case BOOLEAN -> first ? VariantType.STRING : VariantType.NUMBER;
            case STRING -> first ? VariantType.BOOLEAN : VariantType.NUMBER;
            case NUMBER -> first ? VariantType.BOOLEAN : VariantType.STRING;
            case JSON -> throw new IllegalArgumentException("every value fits a json flag");
        };
    }

    private static String typeName(VariantType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    static Arbitrary<InvalidFlagDocument> rolloutNot100() {
        return FlagArbitraries.flags()
                .flatMap(flag -> FlagArbitraries.rollouts(flag.variantNames())
                        .map(r -> flag.toBuilder().fallthrough(Serve.rollout(r)).build()))
                .flatMap(flag -> {
                    int allocations = flag.fallthrough().rollout().allocations().size();
                    return Combinators.combine(
                                    Arbitraries.integers().between(0, allocations - 1),
                                    Arbitraries.integers().between(0, 100_000),
                                    Arbitraries.of(true, false))
                            .as((index, target, remove) -> {
                                ObjectNode tree = tree(flag);
                                ArrayNode list = (ArrayNode)
                                        tree.get("fallthrough").get("rollout").get("allocations");
                                int current = (int) Math.round(
                                        list.get(index).get("percent").doubleValue() * 1000.0);
                                String defect;
                                if (remove && list.size() > 1 && current > 0) {
                                    list.remove(index);
                                    defect = "allocation " + index + " (" + current / 1000.0 + "%) removed";
                                } else {
                                    int changed = target == current ? (current + 1) % 100_001 : target;
                                    ((ObjectNode) list.get(index)).put("percent", changed / 1000.0);
                                    defect = "allocation " + index + " changed from " + current / 1000.0 + "% to "
                                            + changed / 1000.0 + "%";
                                }
                                return doc(Kind.ROLLOUT_NOT_100, flag.key(), write(tree), defect);
                            });
                });
    }

    static Arbitrary<InvalidFlagDocument> badKey() {
        Arbitrary<String> invented = Combinators.combine(
                        Arbitraries.strings().alpha().ofMinLength(0).ofMaxLength(8),
                        Arbitraries.of(' ', '/', ':', '#', '*', '?', 'ß', '\u00e9', '+', '@', '!', '"'),
                        Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(8))
                .as((a, bad, b) -> a + bad + b);
        Arbitrary<String> badKeys = weighted(w(1, Arbitraries.of(BAD_KEYS)), w(1, invented));
        return Combinators.combine(FlagArbitraries.flags(), badKeys).as((flag, bad) -> {
            ObjectNode tree = tree(flag);
            tree.put("key", bad);
            JsonNode previous = tree.get("previous");
            if (previous instanceof ObjectNode p) {
                p.put("key", bad);
            }
            return doc(Kind.BAD_KEY, bad, write(tree), "key '" + bad + "'");
        });
    }

    /** Metadata entries no valid flag may carry, each with the defect it shows. */
    private static final List<Tuple2<String, JsonNode>> BAD_METADATA_VALUES = List.of(
            Tuple.of("a null value", NullNode.getInstance()),
            Tuple.of("an array value", MAPPER.createArrayNode().add("x")),
            Tuple.of("an object value", MAPPER.createObjectNode().put("nested", true)),
            Tuple.of("an integer larger than a long", BigIntegerNode.valueOf(new BigInteger("99999999999999999999"))),
            Tuple.of("a string over 1024 characters", TextNode.valueOf("x".repeat(1025))));

    static Arbitrary<InvalidFlagDocument> invalidMetadata() {
        Arbitrary<Tuple2<String, JsonNode>> badEntries = Combinators.combine(
                        Arbitraries.of("owner", "ticket", "expires"), Arbitraries.of(BAD_METADATA_VALUES))
                .as((name, bad) -> Tuple.of(
                        "metadata '" + name + "' with " + bad.get1(),
                        MAPPER.createObjectNode().set(name, bad.get2())));
        Arbitrary<Tuple2<String, JsonNode>> badNames = Arbitraries.of(
                        "", "a".repeat(129), "tab\tname", "new\nline", "nul\u0000", "bell\u0007")
                .map(name -> Tuple.of(
                        "metadata name of " + name.length() + " characters: " + name.replaceAll("\\p{Cntrl}", "?"),
                        MAPPER.createObjectNode().put(name, "x")));
        Arbitrary<Tuple2<String, JsonNode>> tooMany = Arbitraries.just(65).map(n -> {
            ObjectNode m = MAPPER.createObjectNode();
            for (int i = 0; i < n; i++) {
                m.put("entry-" + i, i);
            }
            return Tuple.of(n + " metadata entries", m);
        });
        Arbitrary<Tuple2<String, JsonNode>> notAnObject = Arbitraries.of(
                        (JsonNode) TextNode.valueOf("owner=team"),
                        MAPPER.createArrayNode().add("owner"),
                        IntNode.valueOf(1),
                        BooleanNode.TRUE)
                .map(v -> Tuple.of("metadata " + v, v));
        return Combinators.combine(
                        FlagArbitraries.flags(),
                        weighted(w(3, badEntries), w(2, badNames), w(1, tooMany), w(1, notAnObject)),
                        Arbitraries.of(true, false))
                .as((flag, bad, inPrevious) -> {
                    ObjectNode tree = tree(flag);
                    ObjectNode target = inPrevious && tree.get("previous") instanceof ObjectNode p ? p : tree;
                    target.set("metadata", bad.get2());
                    String where = target == tree ? "" : " in 'previous'";
                    return doc(Kind.INVALID_METADATA, flag.key(), write(tree), bad.get1() + where);
                });
    }

    private static InvalidFlagDocument doc(Kind kind, String key, String json, String defect) {
        return new InvalidFlagDocument(kind, key, json, defect);
    }

    private static ObjectNode tree(Flag flag) {
        try {
            return (ObjectNode) MAPPER.readTree(flag.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a valid flag's JSON did not parse: " + flag, e);
        }
    }

    private static String write(JsonNode tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + tree, e);
        }
    }
}
