package dev.cutover.replication.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * The batch apply over any batch with any mix of outcomes (new keys, older and newer stored
 * versions), refused changes, transient failures (each landing half its batch first) and a target
 * that answers batches with one outcome too few, under any retry limit, split or not: every
 * change is settled exactly once and correctly, a refused change never takes good ones down with
 * it when the batch is split, and retries stop at the limit.
 */
class BatchApplyProperties {

    /** One change of a batch and its script: the stored version before (0: none), its faults. */
    record Row(long version, long stored, boolean refused, int transientFailures) {}

    record Scenario(List<Row> rows, int attempts, boolean split, boolean lies) {
        String key(int i) {
            return "k" + i;
        }

        List<Change> changes() {
            List<Change> changes = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                changes.add(Change.upsert(key(i), rows.get(i).version(), JsonNodeFactory.instance.numberNode(i)));
            }
            return changes;
        }

        ScriptedBatchTarget target() {
            Set<String> refused = new HashSet<>();
            Map<String, Integer> transientFailures = new HashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                if (r.refused()) {
                    refused.add(key(i));
                }
                transientFailures.put(key(i), r.transientFailures());
            }
            UnaryOperator<List<ApplyOutcome>> answer = lies ? ScriptedBatchTarget::oneShort : UnaryOperator.identity();
            ScriptedBatchTarget target = new ScriptedBatchTarget(refused, transientFailures, answer);
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).stored() > 0) {
                    target.store.apply(List.of(Change.delete(key(i), rows.get(i).stored())));
                }
            }
            return target;
        }

        boolean transientFaults() {
            return rows.stream().anyMatch(r -> r.transientFailures() > 0);
        }
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void everyChangeIsSettledOnceARefusalFailsAloneAndRetriesStopAtTheLimit(@ForAll("scenarios") Scenario s) {
        ScriptedBatchTarget target = s.target();
        BatchApply batches = BatchApply.to(target).withRetry("batch-apply-test", s.attempts(), attempt -> 0L);
        if (s.split()) {
            batches = batches.splittingRefused();
        }
        List<Change> changes = s.changes();
        BatchTally tally = batches.apply(changes);
        Statistics.label("settled")
                .collect(
                        s.split(),
                        tally.landedWhole() ? "landed whole" : tally.failedWhole() ? "failed whole" : "split");

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(tally.size()).isEqualTo(changes.size());
        // exactly once: an outcome or a failure, never both, never neither
        for (int i = 0; i < changes.size(); i++) {
            ApplyFailure failure = tally.failure(i);
            assertThat(tally.outcome(i) == null).as("change %d settled once", i).isEqualTo(failure != null);
            if (failure != null) {
                assertThat(failure.index()).isEqualTo(i);
                assertThat(failure.change()).isEqualTo(changes.get(i));
                assertThat(failure.kind()).isNotEqualTo(ApplyFailure.Kind.INTERRUPTED);
                assertThat(failure.cause()).isNotNull();
            }
        }
        assertThat(tally.count(ApplyOutcome.APPLIED)
                        + tally.count(ApplyOutcome.SUPERSEDED)
                        + tally.count(ApplyOutcome.DUPLICATE)
                        + tally.failed())
                .isEqualTo(changes.size());
        assertThat(tally.failures()).hasSize(tally.failed());
        for (int i = 0; i < changes.size(); i++) {
            checkOutcome(s.rows().get(i), changes.get(i), tally.outcome(i), target);
        }
        checkRefusalsFailAlone(s, tally);
        checkRetriesStopAtTheLimit(s, changes, tally, target.calls);
    }

    /** An outcome is what the target did: a newer stored version wins, the change is held otherwise. */
    private static void checkOutcome(
            Row row, Change change, @Nullable ApplyOutcome outcome, ScriptedBatchTarget target) {
        if (outcome == null) {
            return;
        }
        assertThat(row.refused()).as("a refused change has no outcome").isFalse();
        Optional<Change> held = target.store.read(change.key());
        if (row.stored() > change.version()) {
            assertThat(outcome).isEqualTo(ApplyOutcome.SUPERSEDED);
            assertThat(held).map(Change::version).contains(row.stored());
        } else {
            // DUPLICATE also when a failed try had landed it already
            assertThat(outcome)
                    .isIn(
                            row.stored() == change.version()
                                    ? List.of(ApplyOutcome.DUPLICATE)
                                    : List.of(ApplyOutcome.APPLIED, ApplyOutcome.DUPLICATE));
            assertThat(held).map(Change::version).contains(change.version());
        }
    }

    private static void checkRefusalsFailAlone(Scenario s, BatchTally tally) {
        if (!s.split()) {
            // no split: a batch lands whole or fails whole
            assertThat(tally.failed()).isIn(0, tally.size());
            assertThat(tally.failures()).noneMatch(ApplyFailure::alone);
            return;
        }
        for (ApplyFailure f : tally.failures()) {
            if (f.kind() == ApplyFailure.Kind.REFUSED) {
                assertThat(s.rows().get(f.index()).refused())
                        .as("%s failed for its own refusal", f)
                        .isTrue();
            }
        }
        if (!s.transientFaults()) {
            Set<Integer> refused = new HashSet<>();
            for (int i = 0; i < s.rows().size(); i++) {
                if (s.rows().get(i).refused()) {
                    refused.add(i);
                }
            }
            assertThat(tally.failures()).extracting(ApplyFailure::index).containsExactlyInAnyOrderElementsOf(refused);
        }
    }

    private static void checkRetriesStopAtTheLimit(
            Scenario s, List<Change> changes, BatchTally tally, List<List<Change>> calls) {
        int attempts = s.attempts();
        if (changes.isEmpty()) {
            assertThat(calls).isEmpty();
            return;
        }
        assertThat(calls.size()).isLessThanOrEqualTo(attempts * (changes.size() + 1));
        assertThat(calls.get(0)).isEqualTo(changes);
        for (int end = 0; end < calls.size(); end++) {
            assertThat(run(calls, end)).as("tries of one batch in a row").isLessThanOrEqualTo(attempts);
        }
        for (ApplyFailure f : tally.failures()) {
            if (f.kind() == ApplyFailure.Kind.EXHAUSTED) {
                int last = -1;
                for (int i = 0; i < calls.size(); i++) {
                    if (calls.get(i).contains(f.change())) {
                        last = i;
                    }
                }
                assertThat(run(calls, last))
                        .as("%s was tried the full %d times", f, attempts)
                        .isEqualTo(attempts);
            }
        }
        if (tally.landedWhole()) {
            assertThat(calls).allMatch(changes::equals);
        }
    }

    /** How many calls in a row, ending at {@code end}, sent the same batch. */
    private static int run(List<List<Change>> calls, int end) {
        int n = 1;
        while (end - n >= 0 && calls.get(end - n).equals(calls.get(end))) {
            n++;
        }
        return n;
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Row> row = Combinators.combine(
                        Arbitraries.longs().between(1, 4),
                        Arbitraries.longs().between(0, 5),
                        Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true)),
                        Arbitraries.frequencyOf(
                                Tuple.of(15, Arbitraries.just(0)),
                                Tuple.of(1, Arbitraries.integers().between(1, 5))))
                .as(Row::new);
        return Combinators.combine(
                        row.list().ofMaxSize(10),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false)),
                        Arbitraries.frequency(Tuple.of(5, false), Tuple.of(1, true)))
                .as(Scenario::new);
    }
}
