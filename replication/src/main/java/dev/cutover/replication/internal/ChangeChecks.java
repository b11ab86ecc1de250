package dev.cutover.replication.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.Change;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Checks a whole batch before anything is written, so a bad change fails the call, not half of it. */
public final class ChangeChecks {
    private ChangeChecks() {}

    /**
     * @throws NullPointerException for a null list or element
     * @throws IllegalArgumentException for a key no database stores, or (PostgreSQL) a payload
     *     holding a NUL character, naming the change
     */
    public static void check(List<Change> changes, SqlDialect dialect) {
        check(changes, dialect, dialect == SqlDialect.POSTGRESQL);
    }

    /**
     * As {@link #check(List, SqlDialect)}, with the payloads' NUL check left to the caller when
     * {@code payloadTrees} is false (it checks the JSON text instead: {@link #jsonHoldsNul}).
     */
    public static void check(List<Change> changes, SqlDialect dialect, boolean payloadTrees) {
        Objects.requireNonNull(changes, "changes");
        for (int i = 0; i < changes.size(); i++) {
            int index = i;
            Change c = Objects.requireNonNull(changes.get(i), () -> "changes holds null at index " + index);
            String bad = Keys.unstorable(c.key());
            if (bad != null) {
                throw new IllegalArgumentException("key " + Keys.escape(c.key()) + " of " + c.kind() + " v"
                        + c.version() + " (index " + i + ") cannot be stored: it " + bad);
            }
            if (payloadTrees && c.payload() != null && holdsNul(c.payload())) {
                throw nulInPayload(c, i);
            }
        }
    }

    public static IllegalArgumentException nulInPayload(Change c, int index) {
        return new IllegalArgumentException("payload of " + c + " (index " + index + ") holds a NUL character"
                + " (\\u0000), which PostgreSQL's jsonb cannot store");
    }

    /**
     * Whether JSON text holds an escaped NUL character (a backslash, then {@code u0000}) in a
     * string or a name: the text a JSON generator writes for a NUL, which PostgreSQL's jsonb
     * refuses. A backslash always starts a two-character escape (or a six-character one with
     * {@code u}), so an escaped backslash followed by {@code u0000} is not one. Text without a
     * backslash costs two {@code indexOf} scans.
     */
    public static boolean jsonHoldsNul(String json) {
        int i = json.indexOf('\\');
        while (i >= 0 && i + 1 < json.length()) {
            char escaped = json.charAt(i + 1);
            if (escaped == 'u') {
                if (json.startsWith("0000", i + 2)) {
                    return true;
                }
                i = json.indexOf('\\', i + 6);
            } else {
                i = json.indexOf('\\', i + 2);
            }
        }
        return json.indexOf(0) >= 0; // a generator configured not to escape it writes it raw
    }

    static boolean holdsNul(JsonNode node) {
        switch (node.getNodeType()) {
            case STRING:
                return node.textValue().indexOf(0) >= 0;
            case OBJECT:
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    if (e.getKey().indexOf(0) >= 0 || holdsNul(e.getValue())) {
                        return true;
                    }
                }
                return false;
            case ARRAY:
                for (int i = 0; i < node.size(); i++) {
                    if (holdsNul(node.get(i))) {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }
}
