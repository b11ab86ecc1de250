package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cutover.compare.JsonTrees.Location;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Known modifications of a tree, each at a path and each of one kind: a changed leaf (CHANGED), a
 * value replaced by one of another JSON type (TYPE), a removed field (ONLY_OLD), an added field
 * or appended element (ONLY_NEW). No modified path lies inside another, so each must be reported
 * exactly once, at exactly its path. Array elements are never removed, which would move the
 * elements after them.
 */
final class Mutations {
    /** A modification as the comparison should report it. */
    record Expected(String path, Difference.Kind kind) {}

    record Mutated(JsonNode tree, Set<Expected> expected) {}

    private record Candidate(Location at, boolean added) {}

    private static final List<JsonNode> REPLACEMENTS = List.of(
            TextNode.valueOf("Ωж"),
            IntNode.valueOf(7),
            BooleanNode.TRUE,
            NullNode.getInstance(),
            JsonTrees.F.objectNode(),
            JsonTrees.F.arrayNode());

    private Mutations() {}

    static Mutated mutate(JsonNode original, Random random, int count) {
        List<Candidate> candidates = new ArrayList<>();
        for (Location at : JsonTrees.locations(original)) {
            candidates.add(new Candidate(at, false));
        }
        addCandidates(original, Location.root(), candidates, random);
        Collections.shuffle(candidates, random);

        List<Candidate> chosen = new ArrayList<>();
        for (Candidate c : candidates) {
            if (chosen.size() < count && chosen.stream().noneMatch(o -> o.at().nestedWith(c.at()))) {
                chosen.add(c);
            }
        }
        JsonNode tree = original.deepCopy();
        Set<Expected> expected = new HashSet<>();
        for (Candidate c : chosen) {
            expected.add(new Expected(c.at().pointer(), apply(tree, c, random)));
        }
        return new Mutated(tree, expected);
    }

    /** Where a field may be added (a name the object lacks) or an element appended. */
    private static void addCandidates(JsonNode node, Location at, List<Candidate> out, Random random) {
        if (node.isObject()) {
            List<String> free = new ArrayList<>(JsonTrees.KEYS);
            node.fieldNames().forEachRemaining(free::remove);
            String name = free.isEmpty() ? "new~/" + random.nextInt(9) : free.get(random.nextInt(free.size()));
            out.add(new Candidate(at.child(name, true), true));
            node.properties().forEach(f -> addCandidates(f.getValue(), at.child(f.getKey(), true), out, random));
        } else if (node.isArray()) {
            out.add(new Candidate(at.child(Integer.toString(node.size()), false), true));
            for (int i = 0; i < node.size(); i++) {
                addCandidates(node.get(i), at.child(Integer.toString(i), false), out, random);
            }
        }
    }

    private static Difference.Kind apply(JsonNode tree, Candidate c, Random random) {
        List<String> segments = c.at().segments();
        String name = segments.get(segments.size() - 1);
        JsonNode parent = JsonTrees.at(tree, JsonTrees.pointer(segments.subList(0, segments.size() - 1)));
        if (c.added()) {
            JsonNode value = JsonTrees.junk(random);
            if (parent instanceof ObjectNode object) {
                object.set(name, value);
            } else {
                ((ArrayNode) parent).add(value);
            }
            return Difference.Kind.ONLY_NEW;
        }
        JsonNode current = parent.isObject() ? parent.get(name) : parent.get(Integer.parseInt(name));
        int choice = random.nextInt(3);
        if (choice == 0 && c.at().field()) {
            ((ObjectNode) parent).remove(name);
            return Difference.Kind.ONLY_OLD;
        }
        JsonNode changed = changed(current);
        boolean retype = choice == 1 || changed == null;
        JsonNode replacement = retype ? otherType(current, random) : changed;
        if (parent instanceof ObjectNode object) {
            object.set(name, replacement);
        } else {
            ((ArrayNode) parent).set(Integer.parseInt(name), replacement);
        }
        return retype ? Difference.Kind.TYPE : Difference.Kind.CHANGED;
    }

    /** A different value of the same JSON type, or null when there is none to make (null, containers). */
    private static JsonNode changed(JsonNode leaf) {
        if (leaf.isNumber()) {
            return DecimalNode.valueOf(leaf.decimalValue().add(BigDecimal.ONE));
        }
        if (leaf.isTextual()) {
            return TextNode.valueOf(leaf.textValue() + "ж");
        }
        if (leaf.isBoolean()) {
            return BooleanNode.valueOf(!leaf.booleanValue());
        }
        return null;
    }

    private static JsonNode otherType(JsonNode current, Random random) {
        List<JsonNode> others = REPLACEMENTS.stream()
                .filter(r -> r.getNodeType() != current.getNodeType())
                .toList();
        return others.get(random.nextInt(others.size())).deepCopy();
    }
}
