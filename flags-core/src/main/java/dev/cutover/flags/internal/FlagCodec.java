package dev.cutover.flags.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.Allocation;
import dev.cutover.flags.Clause;
import dev.cutover.flags.Flag;
import dev.cutover.flags.InvalidFlagException;
import dev.cutover.flags.Operator;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.Target;
import dev.cutover.flags.VariantType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the flag JSON format. Reading is strict and every error names the key and the
 * offending field, so a store's bad document can be reported precisely. Writing produces one
 * canonical form (fixed field order, compact), which is also how flags are compared for changes.
 */
public final class FlagCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FlagCodec() {}

    /**
     * Parses a flag document.
     *
     * @param json the document
     * @param storeKey the key under which the store holds it; when given, the document's key must
     *     equal it
     * @throws InvalidFlagException naming the key and the reason
     */
    public static Flag parse(String json, @Nullable String storeKey) {
        String key = storeKey == null ? "<unknown>" : storeKey;
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidFlagException(key, "malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidFlagException(key, "a flag document must be a JSON object");
        }
        return read(root, storeKey, false);
    }

    private static Flag read(JsonNode root, @Nullable String storeKey, boolean nested) {
        JsonNode keyNode = root.get("key");
        String key = storeKey == null ? "<unknown>" : storeKey;
        if (keyNode == null || !keyNode.isTextual()) {
            throw new InvalidFlagException(key, "field 'key' must be a string");
        }
        String docKey = keyNode.textValue();
        if (storeKey != null && !storeKey.equals(docKey)) {
            throw new InvalidFlagException(
                    storeKey, "document key '" + docKey + "' does not match the store key '" + storeKey + "'");
        }
        key = docKey;
        try {
            onlyKnown(root, FLAG_FIELDS, nested ? "previous" : "", key);
            Flag.Builder b = Flag.builder(docKey);
            b.on(optionalBoolean(root, "on", true, key));
            String typeName = requiredText(root, "type", key);
            VariantType type;
            try {
                type = VariantType.valueOf(typeName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidFlagException(
                        key, "unknown variant type '" + typeName + "' (expected boolean, string, number or json)");
            }
            b.type(type);
            JsonNode variants = root.get("variants");
            if (variants == null || !variants.isObject()) {
                throw new InvalidFlagException(key, "field 'variants' must be an object of name to value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = variants.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                b.variant(e.getKey(), e.getValue());
            }
            String off = optionalText(root, "offVariant", key);
            if (off != null) {
                b.offVariant(off);
            }
            JsonNode targets = root.get("targets");
            if (targets != null && !targets.isNull()) {
                for (JsonNode t : array(targets, "targets", key)) {
                    b.target(readTarget(t, key));
                }
            }
            JsonNode rules = root.get("rules");
            if (rules != null && !rules.isNull()) {
                int i = 0;
                for (JsonNode r : array(rules, "rules", key)) {
                    b.rule(readRule(r, key, i++));
                }
            }
            JsonNode fallthrough = root.get("fallthrough");
            if (fallthrough != null && !fallthrough.isNull()) {
                b.fallthrough(readServe(fallthrough, key, "fallthrough"));
            }
            String effectiveAt = optionalText(root, "effectiveAt", key);
            JsonNode previous = root.get("previous");
            if (previous != null && !previous.isNull()) {
                if (nested) {
                    throw new InvalidFlagException(key, "a 'previous' definition cannot itself have a previous");
                }
                if (!previous.isObject()) {
                    throw new InvalidFlagException(key, "field 'previous' must be a flag object");
                }
                if (effectiveAt == null) {
                    throw new InvalidFlagException(key, "field 'previous' requires 'effectiveAt'");
                }
            }
            if (effectiveAt != null) {
                Flag prev = previous == null || previous.isNull() ? null : read(previous, docKey, true);
                b.effectiveAt(instant(effectiveAt, "effectiveAt", key), prev);
            }
            JsonNode version = root.get("version");
            if (version != null && !version.isNull()) {
                if (!version.canConvertToLong() || !version.isIntegralNumber() || version.longValue() < 0) {
                    throw new InvalidFlagException(
                            key, "field 'version' must be a non-negative integer but was " + version);
                }
                b.version(version.longValue());
            }
            String updatedAt = optionalText(root, "updatedAt", key);
            if (updatedAt != null) {
                b.updatedAt(instant(updatedAt, "updatedAt", key));
            }
            b.updatedBy(optionalText(root, "updatedBy", key));
            b.description(optionalText(root, "description", key));
            readMetadata(root.get("metadata"), b, key);
            return b.build();
        } catch (InvalidFlagException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidFlagException(key, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /**
     * Reads the optional {@code metadata} object: strings, booleans, integers that fit a long (as
     * {@link Long}) and other numbers (as {@link Double}); anything else names {@code metadata.<name>}.
     */
    private static void readMetadata(@Nullable JsonNode metadata, Flag.Builder b, String key) {
        if (metadata == null || metadata.isNull()) {
            return;
        }
        if (!metadata.isObject()) {
            throw new InvalidFlagException(
                    key, "field 'metadata' must be an object of name to string, boolean or number but was " + metadata);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String field = "metadata." + e.getKey();
            if (v.isTextual()) {
                b.metadata(e.getKey(), v.textValue());
            } else if (v.isBoolean()) {
                b.metadata(e.getKey(), v.booleanValue());
            } else if (v.isIntegralNumber()) {
                if (!v.canConvertToLong()) {
                    throw new InvalidFlagException(
                            key, "field '" + field + "' must be an integer that fits a long but was " + v);
                }
                b.metadata(e.getKey(), v.longValue());
            } else if (v.isNumber()) {
                double d = v.doubleValue();
                if (!Double.isFinite(d)) {
                    throw new InvalidFlagException(key, "field '" + field + "' must be a finite number but was " + v);
                }
                b.metadata(e.getKey(), d);
            } else {
                throw new InvalidFlagException(
                        key, "field '" + field + "' must be a string, boolean or number but was " + v);
            }
        }
    }

    private static Target readTarget(JsonNode t, String key) {
        if (!t.isObject()) {
            throw new InvalidFlagException(key, "each target must be an object");
        }
        onlyKnown(t, TARGET_FIELDS, "a target", key);
        String variant = requiredText(t, "variant", key);
        Set<String> keys = new LinkedHashSet<>();
        for (JsonNode k : array(t.get("keys"), "targets[].keys", key)) {
            if (!k.isTextual()) {
                throw new InvalidFlagException(key, "target keys must be strings but found " + k);
            }
            keys.add(k.textValue());
        }
        return new Target(variant, keys);
    }

    private static Rule readRule(JsonNode r, String key, int index) {
        String where = "rules[" + index + "]";
        if (!r.isObject()) {
            throw new InvalidFlagException(key, where + " must be an object");
        }
        onlyKnown(r, RULE_FIELDS, where, key);
        List<Clause> clauses = new ArrayList<>();
        int c = 0;
        for (JsonNode clause : array(r.get("clauses"), where + ".clauses", key)) {
            clauses.add(readClause(clause, key, where + ".clauses[" + c++ + "]"));
        }
        if (clauses.isEmpty()) {
            throw new InvalidFlagException(key, where + " needs at least one clause");
        }
        JsonNode serve = r.get("serve");
        if (serve == null) {
            throw new InvalidFlagException(key, where + " has no 'serve'");
        }
        return new Rule(clauses, readServe(serve, key, where + ".serve"), optionalText(r, "description", key));
    }

    private static Clause readClause(JsonNode c, String key, String where) {
        if (!c.isObject()) {
            throw new InvalidFlagException(key, where + " must be an object");
        }
        onlyKnown(c, CLAUSE_FIELDS, where, key);
        String attribute = requiredText(c, "attribute", key);
        String opName = requiredText(c, "op", key);
        Operator op = Operator.fromJsonName(opName);
        if (op == null) {
            throw new InvalidFlagException(key, where + " has unknown operator '" + opName + "'");
        }
        List<Object> values = new ArrayList<>();
        for (JsonNode v : array(c.get("values"), where + ".values", key)) {
            if (v.isTextual()) {
                values.add(v.textValue());
            } else if (v.isBoolean()) {
                values.add(v.booleanValue());
            } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                values.add(v.longValue());
            } else if (v.isNumber()) {
                values.add(v.doubleValue());
            } else {
                throw new InvalidFlagException(
                        key, where + " values must be strings, numbers or booleans but found " + v);
            }
        }
        if (values.isEmpty()) {
            throw new InvalidFlagException(key, where + " needs at least one value");
        }
        return new Clause(attribute, op, values, optionalBoolean(c, "negate", false, key));
    }

    private static Serve readServe(JsonNode s, String key, String where) {
        if (!s.isObject()) {
            throw new InvalidFlagException(key, where + " must be an object");
        }
        onlyKnown(s, SERVE_FIELDS, where, key);
        JsonNode variant = s.get("variant");
        JsonNode rollout = s.get("rollout");
        boolean hasVariant = variant != null && !variant.isNull();
        boolean hasRollout = rollout != null && !rollout.isNull();
        if (hasVariant == hasRollout) {
            throw new InvalidFlagException(key, where + " needs exactly one of 'variant' or 'rollout'");
        }
        if (hasVariant) {
            if (!variant.isTextual()) {
                throw new InvalidFlagException(key, where + ".variant must be a string");
            }
            return Serve.variant(variant.textValue());
        }
        if (!rollout.isObject()) {
            throw new InvalidFlagException(key, where + ".rollout must be an object");
        }
        onlyKnown(rollout, ROLLOUT_FIELDS, where + ".rollout", key);
        List<Allocation> allocations = new ArrayList<>();
        for (JsonNode a : array(rollout.get("allocations"), where + ".rollout.allocations", key)) {
            onlyKnown(a, ALLOCATION_FIELDS, where + ".rollout allocation", key);
            String v = requiredText(a, "variant", key);
            JsonNode p = a.get("percent");
            if (p == null || !p.isNumber()) {
                throw new InvalidFlagException(
                        key, where + ".rollout allocation for '" + v + "' needs a numeric 'percent'");
            }
            allocations.add(new Allocation(v, p.doubleValue()));
        }
        return Serve.rollout(
                new Rollout(optionalText(rollout, "bucketBy", key), optionalText(rollout, "seed", key), allocations));
    }

    private static final Set<String> FLAG_FIELDS = Set.of(
            "key",
            "on",
            "type",
            "variants",
            "offVariant",
            "targets",
            "rules",
            "fallthrough",
            "effectiveAt",
            "previous",
            "version",
            "updatedAt",
            "updatedBy",
            "description",
            "metadata");
    private static final Set<String> TARGET_FIELDS = Set.of("variant", "keys");
    private static final Set<String> RULE_FIELDS = Set.of("description", "clauses", "serve");
    private static final Set<String> CLAUSE_FIELDS = Set.of("attribute", "op", "values", "negate");
    private static final Set<String> SERVE_FIELDS = Set.of("variant", "rollout");
    private static final Set<String> ROLLOUT_FIELDS = Set.of("bucketBy", "seed", "allocations");
    private static final Set<String> ALLOCATION_FIELDS = Set.of("variant", "percent");

    /**
     * Rejects fields the format does not define: a misspelt field ("fallthru") would otherwise be
     * ignored silently and change what the flag serves.
     */
    private static void onlyKnown(JsonNode node, Set<String> known, String where, String key) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new InvalidFlagException(
                        key,
                        (where.isEmpty() ? "" : where + " has ") + "unknown field '" + field + "'"
                                + (where.isEmpty() ? " (known: " + new java.util.TreeSet<>(known) + ")" : ""));
            }
        }
    }

    private static Iterable<JsonNode> array(@Nullable JsonNode node, String field, String key) {
        if (node == null || !node.isArray()) {
            throw new InvalidFlagException(key, "field '" + field + "' must be an array");
        }
        return node;
    }

    private static String requiredText(JsonNode node, String field, String key) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new InvalidFlagException(
                    key,
                    "field '" + field + "' must be a string but was " + (v == null ? "missing" : v) + " in " + node);
        }
        return v.textValue();
    }

    private static @Nullable String optionalText(JsonNode node, String field, String key) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidFlagException(key, "field '" + field + "' must be a string but was " + v);
        }
        return v.textValue();
    }

    private static boolean optionalBoolean(JsonNode node, String field, boolean dflt, String key) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new InvalidFlagException(key, "field '" + field + "' must be true or false but was " + v);
        }
        return v.booleanValue();
    }

    private static Instant instant(String text, String field, String key) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidFlagException(
                    key, "field '" + field + "' must be an ISO-8601 instant but was '" + text + "'");
        }
    }

    /** Writes the canonical JSON form. */
    public static String write(Flag flag) {
        try {
            return Json.MAPPER.writeValueAsString(toTree(flag));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write flag '" + flag.key() + "'", e);
        }
    }

    /** The canonical JSON tree. */
    public static ObjectNode toTree(Flag flag) {
        ObjectNode o = NODES.objectNode();
        o.put("key", flag.key());
        o.put("on", flag.on());
        o.put("type", flag.type().name().toLowerCase(Locale.ROOT));
        ObjectNode variants = o.putObject("variants");
        flag.variants().forEach(variants::set);
        flag.offVariant().ifPresent(off -> o.put("offVariant", off));
        if (!flag.targets().isEmpty()) {
            ArrayNode targets = o.putArray("targets");
            for (Target t : flag.targets()) {
                ObjectNode tn = targets.addObject();
                tn.put("variant", t.variant());
                ArrayNode keys = tn.putArray("keys");
                t.keys().stream().sorted().forEach(keys::add);
            }
        }
        if (!flag.rules().isEmpty()) {
            ArrayNode rules = o.putArray("rules");
            for (Rule r : flag.rules()) {
                ObjectNode rn = rules.addObject();
                if (r.description() != null) {
                    rn.put("description", r.description());
                }
                ArrayNode clauses = rn.putArray("clauses");
                for (Clause c : r.clauses()) {
                    ObjectNode cn = clauses.addObject();
                    cn.put("attribute", c.attribute());
                    cn.put("op", c.operator().jsonName());
                    ArrayNode values = cn.putArray("values");
                    for (Object v : c.values()) {
                        if (v instanceof String s) {
                            values.add(s);
                        } else if (v instanceof Boolean bool) {
                            values.add(bool);
                        } else if (v instanceof Integer || v instanceof Long) {
                            values.add(((Number) v).longValue());
                        } else {
                            values.add(((Number) v).doubleValue());
                        }
                    }
                    if (c.negate()) {
                        cn.put("negate", true);
                    }
                }
                rn.set("serve", serveTree(r.serve()));
            }
        }
        o.set("fallthrough", serveTree(flag.fallthrough()));
        flag.effectiveAt().ifPresent(t -> o.put("effectiveAt", t.toString()));
        flag.previous().ifPresent(p -> o.set("previous", toTree(p)));
        o.put("version", flag.version());
        flag.updatedAt().ifPresent(t -> o.put("updatedAt", t.toString()));
        flag.updatedBy().ifPresent(u -> o.put("updatedBy", u));
        flag.description().ifPresent(d -> o.put("description", d));
        if (!flag.metadata().isEmpty()) {
            ObjectNode metadata = o.putObject("metadata");
            flag.metadata().forEach((name, value) -> {
                if (value instanceof String str) {
                    metadata.put(name, str);
                } else if (value instanceof Boolean bool) {
                    metadata.put(name, bool);
                } else if (value instanceof Long l) {
                    metadata.put(name, l);
                } else {
                    metadata.put(name, (Double) value);
                }
            });
        }
        return o;
    }

    private static ObjectNode serveTree(Serve serve) {
        ObjectNode s = NODES.objectNode();
        if (serve.variant() != null) {
            s.put("variant", serve.variant());
            return s;
        }
        Rollout r = serve.rollout();
        ObjectNode rn = s.putObject("rollout");
        if (r.bucketBy() != null) {
            rn.put("bucketBy", r.bucketBy());
        }
        if (r.seed() != null) {
            rn.put("seed", r.seed());
        }
        ArrayNode allocations = rn.putArray("allocations");
        for (Allocation a : r.allocations()) {
            ObjectNode an = allocations.addObject();
            an.put("variant", a.variant());
            an.put("percent", a.percent());
        }
        return s;
    }
}
