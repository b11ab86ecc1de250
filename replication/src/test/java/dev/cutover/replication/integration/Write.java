package dev.cutover.replication.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One write of the application to the old table, and the event it emits: an upsert of the row
 * {@code (id, version, name, amount)} or the row's delete. The version is the write's position in
 * the history, so versions grow per key and a re-created key carries on above its delete.
 *
 * @param key the row's id
 * @param version the row's version after an upsert; the delete's own version for a delete
 * @param delete whether the row is deleted
 * @param name the row's name column (empty for a delete)
 * @param amount the row's amount column (0 for a delete)
 */
record Write(String key, long version, boolean delete, String name, long amount) {

    /** The change the event maps to: what the mirror applies. */
    Change change() {
        return delete ? Change.delete(key, version) : Change.upsert(key, version, payload());
    }

    /** The mirror's mapping. */
    static List<Change> changes(Write w) {
        return List.of(w.change());
    }

    /** The row as {@code JdbcRowMapper.allColumns()} reads it: every column, integers as longs. */
    JsonNode payload() {
        return JsonNodeFactory.instance
                .objectNode()
                .put("id", key)
                .put("version", version)
                .put("name", name)
                .put("amount", amount);
    }

    /** The key of key number {@code k}: some with characters beyond ASCII. */
    static String key(int k) {
        return "order-" + k + (k % 3 == 0 ? "-é/ü" : "");
    }

    /**
     * The history of generated operations {@code {key number, kind, amount}}: kind 0 deletes the row
     * when it exists (and creates it otherwise), any other kind creates or edits it.
     */
    static List<Write> history(List<int[]> ops) {
        List<Write> writes = new ArrayList<>(ops.size());
        Set<String> live = new HashSet<>();
        long version = 0;
        for (int[] op : ops) {
            String key = key(op[0]);
            version++;
            boolean delete = op[1] == 0 && live.contains(key);
            if (delete) {
                live.remove(key);
                writes.add(new Write(key, version, true, "", 0));
            } else {
                live.add(key);
                writes.add(new Write(key, version, false, "n" + version, op[2]));
            }
        }
        return writes;
    }
}
