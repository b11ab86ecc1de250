package dev.cutover.replication.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batch apply's rules on hand-picked cases: interrupts, broken answers, errors, rethrowing. */
class BatchApplyTest {
    private static final List<Change> BATCH = List.of(upsert("a", 1), upsert("b", 2), upsert("c", 3));

    private static Change upsert(String key, long version) {
        return Change.upsert(key, version, JsonNodeFactory.instance.textNode(key));
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void anInterruptDuringASplitBatchFailsWhatIsLeftAndKeepsTheInterruptStatus() {
        ScriptedBatchTarget target = new ScriptedBatchTarget(Set.of("c"), Map.of(), UnaryOperator.identity())
                .onCall(batch -> {
                    if (batch.equals(List.of(BATCH.get(0)))) {
                        Thread.currentThread().interrupt(); // the owner closes while "a" is applied alone
                    }
                });
        BatchTally tally = BatchApply.to(target).splittingRefused().apply(BATCH);
        // the refused batch had landed "a" and "b" before "c"; alone, "a" lands again
        assertThat(tally.outcome(0)).isEqualTo(ApplyOutcome.DUPLICATE);
        assertThat(tally.failures()).extracting(ApplyFailure::index).containsExactly(1, 2);
        assertThat(tally.failures()).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(ApplyFailure.Kind.INTERRUPTED);
            assertThat(f.cause()).as("never tried").isNull();
            assertThat(f.alone()).isTrue();
        });
        assertThat(target.calls).hasSize(2);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void anInterruptedApplyFailsTheBatchWholeAndIsRethrownAsThrown() {
        InterruptedException interrupt = new InterruptedException("closing");
        ScriptedBatchTarget target = ScriptedBatchTarget.answering(UnaryOperator.identity())
                .onCall(batch -> {
                    throw interrupt;
                });
        BatchTally tally = BatchApply.to(target)
                .withRetry("test", 3, attempt -> 0L)
                .splittingRefused()
                .apply(BATCH);
        assertThat(tally.failedWhole()).isTrue();
        assertThat(tally.failures()).hasSize(3).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(ApplyFailure.Kind.INTERRUPTED);
            assertThat(f.cause()).isSameAs(interrupt);
        });
        assertThat(target.calls).as("an interrupt is not retried").hasSize(1);
        assertThat(Thread.currentThread().isInterrupted())
                .as("set again when caught")
                .isTrue();
        assertThatThrownBy(tally::rethrow).isSameAs(interrupt);
        assertThat(Thread.currentThread().isInterrupted())
                .as("cleared as it is thrown")
                .isFalse();
    }

    @Test
    void anErrorThatCouldBeRetriedIsNotOnceTheThreadIsInterrupted() {
        SQLTransientConnectionException lost = new SQLTransientConnectionException("connection lost", "08006");
        ScriptedBatchTarget target = ScriptedBatchTarget.answering(UnaryOperator.identity())
                .onCall(batch -> {
                    Thread.currentThread().interrupt(); // the driver gives up on an interrupted thread
                    throw lost;
                });
        BatchTally tally =
                BatchApply.to(target).withRetry("test", 5, attempt -> 0L).apply(BATCH);
        assertThat(target.calls).hasSize(1);
        assertThat(tally.failures()).hasSize(3).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(ApplyFailure.Kind.INTERRUPTED);
            assertThat(f.cause()).isSameAs(lost);
        });
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void anAnswerWithTheWrongNumberOfOutcomesIsNeverCounted() {
        BatchTally whole = BatchApply.to(ScriptedBatchTarget.answering(ScriptedBatchTarget::oneShort))
                .apply(BATCH);
        assertThat(whole.failedWhole()).isTrue();
        assertThat(whole.failures()).hasSize(3).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(ApplyFailure.Kind.REFUSED);
            assertThat(f.cause())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "scripted batch target returned 2 outcomes for 3 changes: a VersionedTarget returns one per change");
        });
        assertThatThrownBy(whole::outcomes).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(whole::rethrow)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one per change");

        ScriptedBatchTarget lying = ScriptedBatchTarget.answering(ScriptedBatchTarget::oneShort);
        BatchTally split = BatchApply.to(lying).splittingRefused().apply(BATCH);
        // the broken answer counted nothing; alone, each change lands again: a duplicate
        assertThat(split.outcomes()).containsOnly(ApplyOutcome.DUPLICATE);
        assertThat(lying.calls).hasSize(4);
    }

    @Test
    void aNullOutcomeIsABrokenAnswer() {
        BatchTally tally = BatchApply.to(ScriptedBatchTarget.answering(outcomes -> {
                    List<ApplyOutcome> broken = new ArrayList<>(outcomes);
                    broken.set(1, null);
                    return broken;
                }))
                .apply(BATCH);
        assertThat(tally.failed()).isEqualTo(3);
        assertThat(tally.failure(0))
                .extracting(ApplyFailure::cause)
                .asString()
                .contains("returned a null outcome for 3");
    }

    @Test
    void anErrorIsHeldForTheCallerAndAVirtualMachineErrorPropagates() {
        AssertionError bug = new AssertionError("bug in the target");
        ScriptedBatchTarget buggy = ScriptedBatchTarget.answering(UnaryOperator.identity())
                .onCall(batch -> {
                    throw bug;
                });
        BatchTally tally = BatchApply.to(buggy).splittingRefused().apply(BATCH);
        assertThat(tally.failedWhole()).isTrue();
        assertThatThrownBy(tally::rethrowError).isSameAs(bug);

        ScriptedBatchTarget exhausted = ScriptedBatchTarget.answering(UnaryOperator.identity())
                .onCall(batch -> {
                    throw new OutOfMemoryError("scripted");
                });
        assertThatThrownBy(() -> BatchApply.to(exhausted).apply(BATCH)).isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void anEmptyBatchIsNotSent() throws Exception {
        ScriptedBatchTarget target = ScriptedBatchTarget.answering(UnaryOperator.identity());
        BatchTally tally = BatchApply.to(target).apply(List.of());
        assertThat(tally.landedWhole()).isTrue();
        assertThat(tally.outcomes()).isEmpty();
        tally.rethrow();
        assertThat(target.calls).isEmpty();
    }

    @Test
    void retriesNeedAtLeastOneAttempt() {
        BatchApply once = BatchApply.to(ScriptedBatchTarget.answering(UnaryOperator.identity()));
        assertThatThrownBy(() -> once.withRetry("test", 0, attempt -> 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("attempts must be at least 1 but was 0");
    }
}
