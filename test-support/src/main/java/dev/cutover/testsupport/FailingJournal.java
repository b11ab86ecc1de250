package dev.cutover.testsupport;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.Gap;
import dev.cutover.journal.JournalEntry;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A journal that fails: every call throws while {@link #down} is set or the outside condition holds
 * (a journal on a server that is down with the store), and, if {@link #failEvery} is set, every
 * n-th call too. Otherwise it forwards to its delegate, which tests may read directly.
 *
 * @param <J> the delegate's type
 */
public final class FailingJournal<J extends FailedWriteJournal> implements FailedWriteJournal {
    /** Where the calls go when they do not fail. */
    public final J delegate;
    /** While set, every call fails. */
    public final AtomicBoolean down = new AtomicBoolean();

    private final BooleanSupplier alsoDown;
    private final AtomicInteger calls = new AtomicInteger();
    /** When positive, every n-th call fails as well. */
    public volatile int failEvery;
    /** When positive, each append first takes this long (a slow journal). */
    public volatile long appendMillis;

    public FailingJournal(J delegate) {
        this(delegate, () -> false);
    }

    public FailingJournal(J delegate, BooleanSupplier alsoDown) {
        this.delegate = delegate;
        this.alsoDown = alsoDown;
    }

    private void check() throws SQLTransientConnectionException {
        int n = failEvery;
        if (down.get() || alsoDown.getAsBoolean() || (n > 0 && calls.incrementAndGet() % n == 0)) {
            throw new SQLTransientConnectionException("the journal's server is down", "08006");
        }
    }

    @Override
    public long append(FailedWrite write) throws Exception {
        check();
        if (appendMillis > 0) {
            Thread.sleep(appendMillis);
        }
        return delegate.append(write);
    }

    @Override
    public List<JournalEntry> pending(long afterId, int limit) throws Exception {
        check();
        return delegate.pending(afterId, limit);
    }

    @Override
    public void resolve(Collection<Long> ids) throws Exception {
        check();
        delegate.resolve(ids);
    }

    @Override
    public long pendingCount() throws Exception {
        check();
        return delegate.pendingCount();
    }

    @Override
    public void putGap(Gap gap) throws Exception {
        check();
        delegate.putGap(gap);
    }

    @Override
    public void removeGap(String id) throws Exception {
        check();
        delegate.removeGap(id);
    }

    @Override
    public List<Gap> gaps() throws Exception {
        check();
        return delegate.gaps();
    }

    @Override
    public int closeGaps(Instant reconciledFrom) throws Exception {
        check();
        return delegate.closeGaps(reconciledFrom);
    }
}
