package dev.cutover.dualwrite.internal;

import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.WriteHandoff;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;

/**
 * What shadow tasks need from their proxy: the stores and breakers by side, the budget, and the
 * collaborators that call, compare and record. Immutable. Not API.
 */
final class ShadowContext {
    final String repository;
    final Object oldStore;
    final Object newStore;
    final CircuitBreaker oldBreaker;
    final CircuitBreaker newBreaker;
    final Duration budget;
    final long budgetNanos;
    final Comparison comparison;
    final WriteHandoff handoff;
    final ShadowWork work;
    final StoreCaller caller;
    final JournalRecorder journal;
    final Reporter reporter;
    final Telemetry telemetry;
    final WriteFences fences = new WriteFences();

    ShadowContext(
            String repository,
            Object oldStore,
            Object newStore,
            CircuitBreaker oldBreaker,
            CircuitBreaker newBreaker,
            Duration budget,
            Comparison comparison,
            WriteHandoff handoff,
            ShadowWork work,
            JournalRecorder journal,
            Reporter reporter,
            Telemetry telemetry) {
        this.repository = repository;
        this.oldStore = oldStore;
        this.newStore = newStore;
        this.oldBreaker = oldBreaker;
        this.newBreaker = newBreaker;
        this.budget = budget;
        this.budgetNanos = budget.toNanos();
        this.comparison = comparison;
        this.handoff = handoff;
        this.work = work;
        this.caller = new StoreCaller(work, budget.toNanos());
        this.journal = journal;
        this.reporter = reporter;
        this.telemetry = telemetry;
    }

    Object store(Side side) {
        return side == Side.OLD ? oldStore : newStore;
    }

    CircuitBreaker breaker(Side side) {
        return side == Side.OLD ? oldBreaker : newBreaker;
    }
}
