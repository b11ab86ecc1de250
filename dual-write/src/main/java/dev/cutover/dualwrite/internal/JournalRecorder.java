package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.MigrationListener;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.journal.FailedWrite;
import dev.cutover.dualwrite.journal.FailedWriteJournal;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records shadow writes that did not succeed: counts them, appends them to the journal, logs a
 * rate-limited WARN and tells the listener. A journal that throws gets the write logged at ERROR
 * with its key (the only place it is then kept) and counted in
 * {@code cutover.dualwrite.journal.errors}. Never throws. Thread-safe. Not API.
 */
final class JournalRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRecorder.class);

  private final String repository;
  private final FailedWriteJournal journal;
  private final MigrationListener listener;
  private final Telemetry telemetry;
  private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);
  private final RateLimitedLog overflow = new RateLimitedLog(1, TimeUnit.SECONDS);

  JournalRecorder(String repository, FailedWriteJournal journal, MigrationListener listener, Telemetry telemetry) {
    this.repository = repository;
    this.journal = journal;
    this.listener = listener;
    this.telemetry = telemetry;
  }

  /**
   * Records a missed write.
   *
   * @param returnedNanos {@link System#nanoTime()} when the authoritative write returned
   */
  void missed(MethodPlan plan, @Nullable String key, Side target, FailedWrite.Reason reason, String detail,
      long returnedNanos) {
    FailedWrite write = write(plan, key, target, reason, detail, returnedNanos);
    telemetry.writeMissed(plan.index(), reason);
    try {
      journal.append(write);
    } catch (Throwable e) {
      telemetry.journalError();
      LOG.error("{}.{}: could not journal a missed shadow write of key {} to the {} store ({}: {});"
              + " repair this key by hand or reconcile fully",
          repository, plan.name(), key, target, reason, detail, e);
      return;
    }
    long suppressed = warnings.permit(plan.name() + "/" + reason);
    if (suppressed >= 0) {
      LOG.warn("{}.{}: shadow write of key {} to the {} store missed ({}: {}); journaled for"
              + " reconciliation{}",
          repository, plan.name(), key, target, reason, detail, RateLimitedLog.suppressed(suppressed));
    }
    try {
      listener.onShadowWriteFailed(write);
    } catch (Throwable e) {
      telemetry.listenerError();
      LOG.warn("{}: the migration listener threw on a failed shadow write", repository, e);
    }
  }

  /** A write that could not even be handed to a shadow thread: only the ERROR log keeps it. */
  void unrecorded(MethodPlan plan, @Nullable String key, Side target, String detail) {
    telemetry.writeMissed(plan.index(), FailedWrite.Reason.SHED);
    telemetry.journalError();
    // on the caller's thread, in an overload: one line a second at most, never one per write
    long suppressed = overflow.permit("unrecorded");
    if (suppressed >= 0) {
      LOG.error("{}.{}: shadow write of key {} to the {} store shed and not journaled ({}); reconcile fully"
          + " (cutover.dualwrite.journal.errors counts every such write){}", repository, plan.name(), key, target,
          detail, RateLimitedLog.suppressed(suppressed));
    }
  }

  private FailedWrite write(MethodPlan plan, @Nullable String key, Side target, FailedWrite.Reason reason,
      String detail, long returnedNanos) {
    Instant at = Instant.now().minusNanos(Math.max(0, System.nanoTime() - returnedNanos));
    return new FailedWrite(repository, plan.name(), key,
        target == Side.OLD ? FailedWrite.Target.OLD : FailedWrite.Target.NEW, reason, detail, at);
  }
}
