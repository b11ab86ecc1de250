package dev.cutover.compare;

import org.jspecify.annotations.Nullable;

/**
 * Where a node sits in a tree, as a persistent list of segments from the node up to the root:
 * a child shares its parent's list, so walking a tree costs one small object per node, and the
 * JSON Pointer text is built only when a difference is reported.
 */
final class NodePath {
    static final NodePath ROOT = new NodePath(null, "", false, 0);

    private final @Nullable NodePath parent;
    private final String segment;
    private final boolean index;
    private final int depth;

    private NodePath(@Nullable NodePath parent, String segment, boolean index, int depth) {
        this.parent = parent;
        this.segment = segment;
        this.index = index;
        this.depth = depth;
    }

    /** The path of this object's field {@code name}. */
    NodePath field(String name) {
        return new NodePath(this, name, false, depth + 1);
    }

    /** The path of this array's element {@code i}. */
    NodePath index(int i) {
        return new NodePath(this, Integer.toString(i), true, depth + 1);
    }

    /** The last segment, unescaped: a field name or an array index; empty for the root. */
    String segment() {
        return segment;
    }

    /** Whether this is a field of an object (not the root, not an array element). */
    boolean isField() {
        return depth > 0 && !index;
    }

    @Nullable
    NodePath parent() {
        return parent;
    }

    /** How many segments: 0 for the root. */
    int depth() {
        return depth;
    }

    /** The RFC 6901 JSON Pointer: {@code ""} for the root, else {@code /a/0/b~1c}. */
    String pointer() {
        if (depth == 0) {
            return "";
        }
        String[] segments = new String[depth];
        NodePath p = this;
        for (int i = depth - 1; i >= 0; i--) {
            segments[i] = escape(p.segment);
            p = p.parent;
            assert p != null;
        }
        StringBuilder text = new StringBuilder();
        for (String s : segments) {
            text.append('/').append(s);
        }
        return text.toString();
    }

    /** Escapes one segment per RFC 6901: {@code ~} becomes {@code ~0}, then {@code /} becomes {@code ~1}. */
    static String escape(String segment) {
        if (segment.indexOf('~') < 0 && segment.indexOf('/') < 0) {
            return segment;
        }
        return segment.replace("~", "~0").replace("/", "~1");
    }

    @Override
    public String toString() {
        return pointer();
    }
}
