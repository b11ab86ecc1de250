package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.MigrationListener;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.journal.FailedWrite;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records shadow writes that did not succeed: counts them and puts their keys in the proxy's
 * {@link KeyLedger}, which journals them off the caller's path (the listener hears of each key
 * once it is journaled). Safe on the caller's thread: a few counter increments, one allocation,
 * one map insert. Never throws. Thread-safe. Not API.
 */
final class JournalRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRecorder.class);

  private final String repository;
  private final KeyLedger ledger;
  private final Telemetry telemetry;
  private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);

  JournalRecorder(String repository, KeyLedger ledger, Telemetry telemetry) {
    this.repository = repository;
    this.ledger = ledger;
    this.telemetry = telemetry;
  }

  /** The listener's callback for the ledger: told once a key is journaled. */
  static java.util.function.Consumer<FailedWrite> notifying(String repository, MigrationListener listener,
      Telemetry telemetry) {
    return write -> {
      try {
        listener.onShadowWriteFailed(write);
      } catch (Throwable e) {
        telemetry.listenerError();
        LOG.warn("{}: the migration listener threw on a failed shadow write", repository, e);
      }
    };
  }

  /**
   * Records a missed write.
   *
   * @param returnedNanos {@link System#nanoTime()} when the authoritative write returned
   */
  void missed(MethodPlan plan, @Nullable String key, Side target, FailedWrite.Reason reason, String detail,
      long returnedNanos) {
    telemetry.writeMissed(plan.index(), reason);
    ledger.record(write(plan, key, target, reason, detail, returnedNanos));
    long suppressed = warnings.permit(plan.name() + "/" + reason);
    if (suppressed >= 0) {
      LOG.warn("{}.{}: shadow write of key {} to the {} store missed ({}: {}); its key is journaled for"
              + " repair{}",
          repository, plan.name(), key, target, reason, detail, RateLimitedLog.suppressed(suppressed));
    }
  }

  private FailedWrite write(MethodPlan plan, @Nullable String key, Side target, FailedWrite.Reason reason,
      String detail, long returnedNanos) {
    Instant at = Instant.now().minusNanos(Math.max(0, System.nanoTime() - returnedNanos));
    return new FailedWrite(repository, plan.name(), key,
        target == Side.OLD ? FailedWrite.Target.OLD : FailedWrite.Target.NEW, reason, detail, at);
  }
}
