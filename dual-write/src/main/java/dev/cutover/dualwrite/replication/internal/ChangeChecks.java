package dev.cutover.dualwrite.replication.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.dualwrite.replication.Change;
import dev.cutover.dualwrite.replication.SqlDialect;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Checks a whole batch before anything is written, so a bad change fails the call, not half of it. */
final class ChangeChecks {
  private ChangeChecks() {}

  /**
   * @throws NullPointerException for a null list or element
   * @throws IllegalArgumentException for a key no database stores, or (PostgreSQL) a payload
   *     holding a NUL character, naming the change
   */
  static void check(List<Change> changes, SqlDialect dialect) {
    Objects.requireNonNull(changes, "changes");
    for (int i = 0; i < changes.size(); i++) {
      int index = i;
      Change c = Objects.requireNonNull(changes.get(i), () -> "changes holds null at index " + index);
      String bad = Keys.unstorable(c.key());
      if (bad != null) {
        throw new IllegalArgumentException("key " + Keys.escape(c.key()) + " of " + c.kind() + " v" + c.version()
            + " (index " + i + ") cannot be stored: it " + bad);
      }
      if (dialect == SqlDialect.POSTGRESQL && c.payload() != null && holdsNul(c.payload())) {
        throw new IllegalArgumentException("payload of " + c + " (index " + i + ") holds a NUL character"
            + " (\\u0000), which PostgreSQL's jsonb cannot store");
      }
    }
  }

  private static boolean holdsNul(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue().indexOf(0) >= 0;
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (e.getKey().indexOf(0) >= 0 || holdsNul(e.getValue())) {
          return true;
        }
      }
      return false;
    }
    for (JsonNode child : node) {
      if (holdsNul(child)) {
        return true;
      }
    }
    return false;
  }
}
