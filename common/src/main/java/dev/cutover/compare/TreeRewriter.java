package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;

/**
 * The walk shared by the built-in normalizers: rebuilds a tree into new containers, never
 * touching its input (leaves, which Jackson makes immutable, are shared).
 *
 * <p>On the way down {@link #enter} may drop a node by returning {@link MissingNode}: a dropped
 * field is removed, a dropped array element becomes {@code null} so that later elements keep their
 * index, and a dropped root becomes {@code null}. A {@code MissingNode} found in the input is
 * treated the same way. {@link #leaf} rewrites scalars; {@link #exit} sees each container after
 * its children were rewritten. Object fields come out sorted by name, which the canonical form
 * relies on and which changes nothing else (objects compare as maps).
 *
 * <p>Recursive: callers bound the depth first (see {@link CanonicalTree#depthExceeds}).
 */
abstract class TreeRewriter implements Normalizer {
    static final JsonNode DROP = MissingNode.getInstance();

    /** Whether the hooks look at their path; if not, every node gets the root's, and none is built. */
    private final boolean paths;

    TreeRewriter() {
        this(true);
    }

    TreeRewriter(boolean paths) {
        this.paths = paths;
    }

    @Override
    public final JsonNode normalize(JsonNode tree) {
        Objects.requireNonNull(tree, "tree");
        JsonNode result = rewrite(tree, NodePath.ROOT);
        return result.isMissingNode() ? NullNode.getInstance() : result;
    }

    private JsonNode rewrite(JsonNode node, NodePath path) {
        JsonNode entered = node.isMissingNode() ? DROP : enter(node, path);
        if (entered.isMissingNode()) {
            return DROP;
        }
        if (entered.isObject()) {
            String[] names = new String[entered.size()];
            int n = 0;
            for (Iterator<String> it = entered.fieldNames(); it.hasNext(); ) {
                names[n++] = it.next();
            }
            Arrays.sort(names, 0, n);
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < n; i++) {
                JsonNode child = rewrite(entered.get(names[i]), paths ? path.field(names[i]) : path);
                if (!child.isMissingNode()) {
                    copy.set(names[i], child);
                }
            }
            return exit(copy, path);
        }
        if (entered.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(entered.size());
            for (int i = 0; i < entered.size(); i++) {
                JsonNode child = rewrite(entered.get(i), paths ? path.index(i) : path);
                copy.add(child.isMissingNode() ? NullNode.getInstance() : child);
            }
            return exit(copy, path);
        }
        return leaf(entered, path);
    }

    /** Called for every node before its children; {@link #DROP} removes it. */
    JsonNode enter(JsonNode node, NodePath path) {
        return node;
    }

    /** Rewrites a scalar (anything but an object or an array). */
    JsonNode leaf(JsonNode leaf, NodePath path) {
        return leaf;
    }

    /** Rewrites a freshly built object or array, after its children; may return it as is. */
    JsonNode exit(JsonNode container, NodePath path) {
        return container;
    }
}
