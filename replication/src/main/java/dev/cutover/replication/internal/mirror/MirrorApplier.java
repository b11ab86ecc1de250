package dev.cutover.replication.internal.mirror;

import dev.cutover.replication.Change;
import dev.cutover.replication.MirrorFailure;
import dev.cutover.replication.internal.apply.ApplyFailure;
import dev.cutover.replication.internal.apply.BatchApply;
import dev.cutover.replication.internal.apply.BatchTally;
import dev.cutover.replication.spi.ApplyOutcome;
import io.github.resilience4j.core.IntervalFunction;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one polled batch to the target and settles every change in it: counted by its outcome,
 * or recorded as a failure with its key. Never throws.
 *
 * <p>Design: the mirror's policy on the shared {@link BatchApply}: a batch is retried whole with
 * exponential, jittered backoff; a batch the target refuses is applied change by change, so that
 * one bad change fails alone and is recorded with its key while the rest land. An interrupt (the
 * mirror closing past its deadline) ends the attempts: what was not applied is recorded as {@code
 * CLOSED}. The latency of a batch that landed whole goes to the metrics. Shared by the worker
 * threads; holds no per-batch state.
 */
final class MirrorApplier {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Mirror");
    private static final String CLOSED = "apply interrupted: the mirror closed before it finished";

    private final BatchApply batches;
    private final MirrorCounters counters;
    private final MirrorFailures failures;

    MirrorApplier(MirrorSettings<?> settings, MirrorCounters counters, MirrorFailures failures) {
        this.counters = counters;
        this.failures = failures;
        this.batches = BatchApply.to(settings.target())
                .withRetry(
                        "cutover-mirror-" + settings.name(),
                        settings.retryAttempts(),
                        IntervalFunction.ofExponentialRandomBackoff(
                                settings.retryBackoff(),
                                2.0,
                                0.5,
                                settings.retryBackoff().multipliedBy(64)))
                .splittingRefused();
    }

    /** Applies and settles {@code batch}; returns when every change in it is counted or recorded. */
    void apply(List<Change> batch) {
        BatchTally tally = batches.apply(batch);
        if (tally.landedWhole()) {
            latency(tally.nanos());
        }
        for (int i = 0; i < tally.size(); i++) {
            ApplyOutcome outcome = tally.outcome(i);
            if (outcome != null) {
                counters.outcome(outcome);
            } else {
                record(Objects.requireNonNull(tally.failure(i)));
            }
        }
    }

    private void latency(long nanos) {
        try {
            counters.latency(nanos);
        } catch (RuntimeException e) {
            // a metrics sink must not unsettle a batch that landed
            LOG.warn(
                    "mirror: recording the apply latency threw {}", e.getClass().getName());
        }
    }

    private void record(ApplyFailure f) {
        counters.failed.increment();
        // every failure but an interrupt carries what the target threw
        Throwable thrown = f.cause();
        String cause = thrown == null ? "interrupted" : describe(thrown);
        switch (f.kind()) {
            case INTERRUPTED -> failures.record(f.change(), MirrorFailure.Reason.CLOSED, CLOSED);
            case EXHAUSTED ->
                failures.record(
                        f.change(),
                        MirrorFailure.Reason.APPLY_FAILED,
                        "apply failed after " + batches.attempts() + " attempts: " + cause);
            case REFUSED ->
                failures.record(
                        f.change(),
                        MirrorFailure.Reason.APPLY_FAILED,
                        f.alone()
                                ? "the target refused this change: " + cause
                                : "apply failed after 1 attempt (not retryable): " + cause);
        }
    }

    /** The exception's type and the SQL state if any: never its message, which may quote the data. */
    static String describe(Throwable e) {
        String type = e.getClass().getName();
        return e instanceof SQLException sql && sql.getSQLState() != null
                ? type + " (SQL state " + sql.getSQLState() + ")"
                : type;
    }
}
