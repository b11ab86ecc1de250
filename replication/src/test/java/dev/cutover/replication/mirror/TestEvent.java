package dev.cutover.replication.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import java.util.List;

/** The application's event in these tests: a create, edit or delete of an entity, with its sequence. */
record TestEvent(String key, long sequence, boolean delete, String name) {

    static TestEvent upsert(String key, long sequence, String name) {
        return new TestEvent(key, sequence, false, name);
    }

    static TestEvent delete(String key, long sequence) {
        return new TestEvent(key, sequence, true, "");
    }

    /** The mapping the tests mirror with: the sequence is the version. */
    static List<Change> toChanges(TestEvent e) {
        return List.of(e.toChange());
    }

    Change toChange() {
        return delete ? Change.delete(key, sequence) : Change.upsert(key, sequence, payload(key, sequence, name));
    }

    static JsonNode payload(String key, long sequence, String name) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", key);
        o.put("name", name);
        o.put("seq", sequence);
        return o;
    }
}
