package dev.cutover.replication.internal.apply;

import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryForwardingTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An in-memory target with a fault script per key, that records every call. A call holding a key
 * with transient failures left fails transiently (one failure used up for each such key), after
 * landing the first half of the batch; otherwise a call holding a refused key lands the changes
 * before it and refuses the batch; the answer to a batch of several changes goes through {@code
 * answer} (to lie about the outcomes). A hook runs at the start of every call. Single-threaded, as
 * {@link BatchApply} uses it.
 */
final class ScriptedBatchTarget extends InMemoryForwardingTarget {
    final List<List<Change>> calls = new ArrayList<>();
    private final Set<String> refused;
    private final Map<String, Integer> transientLeft;
    private final UnaryOperator<List<ApplyOutcome>> answer;
    private Hook hook = batch -> {};

    /** Runs at the start of every call. */
    interface Hook {
        void beforeApply(List<Change> batch) throws Exception;
    }

    ScriptedBatchTarget(
            Set<String> refused, Map<String, Integer> transientFailures, UnaryOperator<List<ApplyOutcome>> answer) {
        this.refused = refused;
        this.transientLeft = new HashMap<>(transientFailures);
        this.answer = answer;
    }

    /** A target without faults that answers batches of several changes through {@code answer}. */
    static ScriptedBatchTarget answering(UnaryOperator<List<ApplyOutcome>> answer) {
        return new ScriptedBatchTarget(Set.of(), Map.of(), answer);
    }

    /** One outcome too few. */
    static List<ApplyOutcome> oneShort(List<ApplyOutcome> outcomes) {
        return outcomes.subList(0, outcomes.size() - 1);
    }

    /** Runs {@code beforeEachCall} at the start of every apply; returns this. */
    ScriptedBatchTarget onCall(Hook beforeEachCall) {
        this.hook = beforeEachCall;
        return this;
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
        calls.add(List.copyOf(changes));
        hook.beforeApply(changes);
        boolean failing = false;
        for (Change c : changes) {
            int left = transientLeft.getOrDefault(c.key(), 0);
            if (left > 0) {
                transientLeft.put(c.key(), left - 1);
                failing = true;
            }
        }
        if (failing) {
            store.apply(changes.subList(0, changes.size() / 2)); // a batch is not a transaction
            throw new SQLTransientConnectionException("scripted transient failure", "08006");
        }
        for (int i = 0; i < changes.size(); i++) {
            if (refused.contains(changes.get(i).key())) {
                store.apply(changes.subList(0, i));
                throw new IllegalArgumentException("scripted refusal");
            }
        }
        List<ApplyOutcome> outcomes = store.apply(changes);
        return changes.size() > 1 ? answer.apply(outcomes) : outcomes;
    }

    @Override
    public String describe() {
        return "scripted batch target";
    }
}
