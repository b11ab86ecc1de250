package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * Removes what should not be compared: fields by name anywhere in the tree, fields or elements by
 * path, and (for null-equals-absent) fields whose value is {@code null}. A removed array element
 * becomes {@code null} instead, so that the elements after it keep their index and are still
 * compared with their counterparts. Idempotent.
 */
final class FieldRemoval extends TreeRewriter {
    private final Set<String> names;
    private final List<PathPattern> paths;
    private final boolean nullFields;
    private final String description;

    FieldRemoval(Set<String> names, List<PathPattern> paths, boolean nullFields, String description) {
        this.names = Set.copyOf(names);
        this.paths = List.copyOf(paths);
        this.nullFields = nullFields;
        this.description = description;
    }

    @Override
    JsonNode enter(JsonNode node, NodePath path) {
        if (path.isField() && (names.contains(path.segment()) || (nullFields && node.isNull()))) {
            return DROP;
        }
        for (PathPattern pattern : paths) {
            if (pattern.matches(path)) {
                return DROP;
            }
        }
        return node;
    }

    @Override
    public String toString() {
        return description;
    }
}
