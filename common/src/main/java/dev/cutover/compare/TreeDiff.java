package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One walk over two canonical trees, listing where they differ.
 *
 * <p>A difference is reported at the highest node that differs, and the walk does not go below
 * it: a missing object is one {@code ONLY_OLD}, not one per field. Nodes are visited depth first,
 * parents before children, object fields in ascending order of name ({@link String#compareTo}),
 * array elements by ascending index, so the list comes out in that order. In an unordered array
 * elements are matched whole against the other side's (both are sorted, so this is one merge):
 * each element without a counterpart is reported, in the sorted order, at its index in its own
 * sorted array.
 *
 * <p>The walk is iterative (an explicit stack), so its depth costs no call stack, and it stops at
 * the first difference past the limit, marking the result truncated.
 */
final class TreeDiff {
    /** A comparator and the paths it is registered for. */
    record PathComparator(PathPattern pattern, FieldComparator comparator) {}

    private record Frame(
            NodePath path,
            @Nullable JsonNode oldNode,
            @Nullable JsonNode newNode) {}

    private final int maxDifferences;
    private final @Nullable ArraySorting unordered;
    private final List<PathComparator> comparators;
    private final Redaction redaction;
    private final List<Difference> found = new ArrayList<>();
    private boolean truncated;

    TreeDiff(
            int maxDifferences,
            @Nullable ArraySorting unordered,
            List<PathComparator> comparators,
            Redaction redaction) {
        this.maxDifferences = maxDifferences;
        this.unordered = unordered;
        this.comparators = comparators;
        this.redaction = redaction;
    }

    /** Compares two canonical trees; call once per instance. */
    ComparisonResult run(JsonNode oldTree, JsonNode newTree) {
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(NodePath.ROOT, oldTree, newTree));
        while (!stack.isEmpty() && !truncated) {
            visit(stack.pop(), stack);
        }
        return found.isEmpty() ? ComparisonResult.match() : ComparisonResult.mismatch(found, truncated);
    }

    private void visit(Frame frame, Deque<Frame> stack) {
        JsonNode oldNode = frame.oldNode();
        JsonNode newNode = frame.newNode();
        Boolean verdict = consultComparators(frame);
        if (verdict != null) {
            if (!verdict) {
                report(frame.path(), kind(oldNode, newNode), oldNode, newNode);
            }
            return;
        }
        if (oldNode == null || newNode == null || oldNode.getNodeType() != newNode.getNodeType()) {
            report(frame.path(), kind(oldNode, newNode), oldNode, newNode);
        } else if (oldNode.isObject()) {
            pushFields(frame.path(), oldNode, newNode, stack);
        } else if (oldNode.isArray()) {
            if (unordered != null && unordered.appliesTo(frame.path())) {
                mergeUnordered(frame.path(), oldNode, newNode);
            } else {
                for (int i = Math.max(oldNode.size(), newNode.size()) - 1; i >= 0; i--) {
                    stack.push(new Frame(frame.path().index(i), oldNode.get(i), newNode.get(i)));
                }
            }
        } else if (!oldNode.equals(newNode)) {
            report(frame.path(), Difference.Kind.CHANGED, oldNode, newNode);
        }
    }

    private @Nullable Boolean consultComparators(Frame frame) {
        for (PathComparator registered : comparators) {
            if (!registered.pattern().matches(frame.path())) {
                continue;
            }
            String pointer = frame.path().pointer();
            Boolean verdict;
            try {
                verdict = registered
                        .comparator()
                        .equivalent(pointer, orMissing(frame.oldNode()), orMissing(frame.newNode()));
            } catch (Throwable t) {
                throw CompareFailure.of(
                        "the comparator registered at " + registered.pattern() + ", at " + pointer + ",", t);
            }
            if (verdict != null) {
                return verdict;
            }
        }
        return null;
    }

    private static JsonNode orMissing(@Nullable JsonNode node) {
        return node == null ? MissingNode.getInstance() : node;
    }

    private static void pushFields(NodePath path, JsonNode oldNode, JsonNode newNode, Deque<Frame> stack) {
        TreeSet<String> names = new TreeSet<>();
        oldNode.fieldNames().forEachRemaining(names::add);
        newNode.fieldNames().forEachRemaining(names::add);
        for (Iterator<String> it = names.descendingIterator(); it.hasNext(); ) {
            String name = it.next();
            stack.push(new Frame(path.field(name), oldNode.get(name), newNode.get(name)));
        }
    }

    private void mergeUnordered(NodePath path, JsonNode oldArray, JsonNode newArray) {
        List<String> oldKeys = keys(oldArray);
        List<String> newKeys = keys(newArray);
        int i = 0;
        int j = 0;
        while ((i < oldKeys.size() || j < newKeys.size()) && !truncated) {
            int order = i == oldKeys.size()
                    ? 1
                    : j == newKeys.size() ? -1 : oldKeys.get(i).compareTo(newKeys.get(j));
            if (order < 0) {
                report(path.index(i), Difference.Kind.ONLY_OLD, oldArray.get(i), null);
                i++;
            } else if (order > 0) {
                report(path.index(j), Difference.Kind.ONLY_NEW, null, newArray.get(j));
                j++;
            } else {
                i++;
                j++;
            }
        }
    }

    private static List<String> keys(JsonNode array) {
        List<String> keys = new ArrayList<>(array.size());
        array.forEach(element -> keys.add(CanonicalJson.write(element)));
        return keys;
    }

    private static Difference.Kind kind(@Nullable JsonNode oldNode, @Nullable JsonNode newNode) {
        if (oldNode == null) {
            return Difference.Kind.ONLY_NEW;
        }
        if (newNode == null) {
            return Difference.Kind.ONLY_OLD;
        }
        return oldNode.getNodeType() == newNode.getNodeType() ? Difference.Kind.CHANGED : Difference.Kind.TYPE;
    }

    private void report(NodePath path, Difference.Kind kind, @Nullable JsonNode oldNode, @Nullable JsonNode newNode) {
        if (found.size() == maxDifferences) {
            truncated = true;
            return;
        }
        found.add(redaction.difference(path, kind, oldNode, newNode));
    }
}
