package dev.cutover.replication.internal.mirror;

import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.Change;
import dev.cutover.replication.MirrorFailure;
import dev.cutover.replication.spi.VersionedTarget;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.SQLException;
import java.util.List;

/**
 * Applies one polled batch to the target and settles every change in it: counted by its outcome,
 * or recorded as a failure with its key. Never throws.
 *
 * <p>Design: a batch is retried whole with exponential, jittered backoff (Resilience4j {@link
 * Retry}); the versioned apply makes a retry of a partly applied batch harmless. An error that a
 * retry cannot cure (a change the target refuses: {@link IllegalArgumentException}, an SQL data
 * or constraint error) is not retried; the batch is then applied change by change, so that one
 * bad change fails alone and is recorded with its key while the rest land. An interrupt (the
 * mirror closing past its deadline) ends the attempts: the batch is recorded as {@code CLOSED}.
 * Shared by the worker threads; holds no per-batch state.
 */
final class MirrorApplier {
  private final VersionedTarget target;
  private final Retry retry;
  private final int attempts;
  private final MirrorCounters counters;
  private final MirrorFailures failures;

  MirrorApplier(MirrorSettings<?> settings, MirrorCounters counters, MirrorFailures failures) {
    this.target = settings.target();
    this.attempts = settings.retryAttempts();
    this.counters = counters;
    this.failures = failures;
    RetryConfig config = RetryConfig.custom()
        .maxAttempts(settings.retryAttempts())
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.retryBackoff(), 2.0, 0.5,
            settings.retryBackoff().multipliedBy(64)))
        .retryOnException(MirrorApplier::retryable)
        .build();
    this.retry = Retry.of("cutover-mirror-" + settings.name(), config);
  }

  /** Applies and settles {@code batch}; returns when every change in it is counted or recorded. */
  void apply(List<Change> batch) {
    long started = System.nanoTime();
    try {
      List<ApplyOutcome> outcomes = retry.executeCallable(() -> checked(batch, target.apply(batch)));
      counters.latency(System.nanoTime() - started);
      outcomes.forEach(counters::outcome);
    } catch (Exception | Error e) {
      MirrorFailures.rethrowIfFatal(e);
      if (interrupted(e)) {
        Thread.currentThread().interrupt();
        recordAll(batch, MirrorFailure.Reason.CLOSED, "apply interrupted: the mirror closed before it finished");
      } else if (!retryable(e) && batch.size() > 1) {
        oneByOne(batch);
      } else {
        String tries = retryable(e) ? attempts + " attempts" : "1 attempt (not retryable)";
        recordAll(batch, MirrorFailure.Reason.APPLY_FAILED, "apply failed after " + tries + ": " + describe(e));
      }
    }
  }

  private void oneByOne(List<Change> batch) {
    for (Change change : batch) {
      if (Thread.currentThread().isInterrupted()) {
        record(change, MirrorFailure.Reason.CLOSED, "apply interrupted: the mirror closed before it finished");
        continue;
      }
      try {
        // each change alone gets the same retries as a batch: a transient error is not a refusal
        List<Change> one = List.of(change);
        counters.outcome(retry.executeCallable(() -> checked(one, target.apply(one))).get(0));
      } catch (Exception | Error e) {
        MirrorFailures.rethrowIfFatal(e);
        if (interrupted(e)) {
          Thread.currentThread().interrupt();
          record(change, MirrorFailure.Reason.CLOSED, "apply interrupted: the mirror closed before it finished");
        } else if (retryable(e)) {
          record(change, MirrorFailure.Reason.APPLY_FAILED, "apply failed after " + attempts + " attempts: "
              + describe(e));
        } else {
          record(change, MirrorFailure.Reason.APPLY_FAILED, "the target refused this change: " + describe(e));
        }
      }
    }
  }

  private void recordAll(List<Change> batch, MirrorFailure.Reason reason, String detail) {
    for (Change change : batch) {
      record(change, reason, detail);
    }
  }

  private void record(Change change, MirrorFailure.Reason reason, String detail) {
    counters.failed.increment();
    failures.record(change, reason, detail);
  }

  private static List<ApplyOutcome> checked(List<Change> batch, List<ApplyOutcome> outcomes) {
    if (outcomes == null || outcomes.size() != batch.size()) {
      throw new IllegalStateException("the target returned " + (outcomes == null ? "null" : outcomes.size() + " outcomes")
          + " for " + batch.size() + " changes");
    }
    return outcomes;
  }

  private static boolean interrupted(Throwable e) {
    return e instanceof InterruptedException || Thread.currentThread().isInterrupted();
  }

  /** Whether trying the same batch again may succeed: not for refused data or interrupts. */
  static boolean retryable(Throwable e) {
    if (e instanceof InterruptedException || e instanceof IllegalArgumentException || e instanceof NullPointerException
        || e instanceof ClassCastException || e instanceof UnsupportedOperationException
        || e instanceof IllegalStateException) {
      return false;
    }
    if (e instanceof SQLException sql && sql.getSQLState() != null) {
      String state = sql.getSQLState();
      return !(state.startsWith("22") || state.startsWith("23") || state.startsWith("42"));
    }
    return true;
  }

  /** The exception's type and the SQL state if any: never its message, which may quote the data. */
  static String describe(Throwable e) {
    String type = e.getClass().getName();
    return e instanceof SQLException sql && sql.getSQLState() != null ? type + " (SQL state " + sql.getSQLState() + ")" : type;
  }
}
