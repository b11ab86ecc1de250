package dev.cutover.flags;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Every flag evaluated for one context against one snapshot: all values come from the same
 * revision, never a mix.
 *
 * @param revision the snapshot revision
 * @param evaluations flag key to evaluation, values as JSON
 * @since 0.1.0
 */
public record FlagsState(long revision, Map<String, Evaluation<JsonNode>> evaluations) {

    /** Copies the map. */
    public FlagsState {
        evaluations = Map.copyOf(evaluations);
    }
}
