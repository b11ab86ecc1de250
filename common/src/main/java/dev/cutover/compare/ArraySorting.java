package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Sorts the elements of unordered arrays (every array, or those at the given paths) by their
 * canonical text ({@link CanonicalJson}), so that two arrays holding the same elements in any
 * order become equal, and arrays holding different elements stay different (the text is one to
 * one with the canonical value). Nested arrays are sorted first, so an element's text is final
 * when it is used as a key. Idempotent.
 */
final class ArraySorting extends TreeRewriter {
    private final boolean all;
    private final List<PathPattern> paths;

    ArraySorting(boolean all, List<PathPattern> paths) {
        this.all = all;
        this.paths = List.copyOf(paths);
    }

    /** Whether the array at this path is unordered. */
    boolean appliesTo(NodePath path) {
        if (all) {
            return true;
        }
        for (PathPattern pattern : paths) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    /** A setting holding this one's arrays and the other's. */
    ArraySorting plus(boolean allArrays, List<PathPattern> more) {
        List<PathPattern> union = new ArrayList<>(paths);
        union.addAll(more);
        return new ArraySorting(all || allArrays, union);
    }

    @Override
    JsonNode exit(JsonNode container, NodePath path) {
        if (!container.isArray() || container.size() < 2 || !appliesTo(path)) {
            return container;
        }
        List<Map.Entry<String, JsonNode>> keyed = new ArrayList<>(container.size());
        for (JsonNode element : container) {
            keyed.add(Map.entry(CanonicalJson.write(element), element));
        }
        keyed.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        ArrayNode sorted = JsonNodeFactory.instance.arrayNode(keyed.size());
        keyed.forEach(e -> sorted.add(e.getValue()));
        return sorted;
    }

    @Override
    public String toString() {
        return all ? "unorderedArrays()" : "unorderedArrays(" + paths + ")";
    }
}
