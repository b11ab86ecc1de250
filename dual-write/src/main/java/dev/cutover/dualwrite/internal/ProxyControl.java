package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.KeyLedger;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link DualWriteControl} of one proxy. Thread-safe. Not API. */
public final class ProxyControl implements DualWriteControl {
    private final DualWriteHandler handler;

    ProxyControl(DualWriteHandler handler) {
        this.handler = handler;
    }

    @Override
    public boolean close(Duration bound) {
        Objects.requireNonNull(bound, "bound");
        if (bound.isNegative()) {
            throw new IllegalArgumentException("close bound must not be negative but was " + bound);
        }
        long deadline = System.nanoTime() + saturatedNanos(bound);
        boolean shadowDone = handler.work().close(saturatedNanos(bound) / 2);
        // the shadow work's last keys (cancelled writes) are in the ledger now: journal them
        boolean journaled = handler.ledger().close(Math.max(0, deadline - System.nanoTime()));
        return shadowDone && journaled;
    }

    @Override
    public boolean isClosed() {
        return !handler.work().isOpen();
    }

    @Override
    public boolean awaitIdle(Duration bound) throws InterruptedException {
        Objects.requireNonNull(bound, "bound");
        long deadline = System.nanoTime() + saturatedNanos(bound);
        return handler.work().awaitIdle(deadline) && handler.ledger().awaitIdle(deadline);
    }

    @Override
    public int pendingShadowWork() {
        return handler.work().pending();
    }

    @Override
    public Stage stage(@Nullable String entityKey) {
        return handler.stage(entityKey);
    }

    @Override
    public CircuitBreaker circuitBreaker(Side side) {
        return handler.breaker(Objects.requireNonNull(side, "side"));
    }

    @Override
    public JournalStatus journalStatus() {
        KeyLedger l = handler.ledger();
        return new JournalStatus(
                l.size(), l.journaled(), l.journalErrors(), l.overflowed(), l.gapOpened(), l.lastError());
    }

    @Override
    public Counts counts() {
        return handler.telemetry().counts();
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    @Override
    public String toString() {
        return "DualWriteControl[" + handler.repository() + "]";
    }
}
