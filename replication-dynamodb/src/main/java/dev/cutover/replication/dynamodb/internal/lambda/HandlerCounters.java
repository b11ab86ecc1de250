package dev.cutover.replication.dynamodb.internal.lambda;

import dev.cutover.replication.spi.ApplyOutcome;
import java.util.concurrent.atomic.LongAdder;

/** What a Lambda handler counts, written by invocations and read by anyone. */
public final class HandlerCounters {
    /** Invocations handled. */
    public final LongAdder invocations = new LongAdder();
    /** Stream records received, redelivered ones again. */
    public final LongAdder records = new LongAdder();
    /** Changes the target wrote. */
    public final LongAdder applied = new LongAdder();
    /** Changes the target already held at their version. */
    public final LongAdder duplicate = new LongAdder();
    /** Changes the target held a newer version of. */
    public final LongAdder superseded = new LongAdder();
    /** Records reported back to Lambda as the first failed record of their batch. */
    public final LongAdder failed = new LongAdder();
    /** Records refused alone: logged, journaled when a journal is set, and not retried. */
    public final LongAdder refused = new LongAdder();

    /** Counts one outcome of the target. */
    public void count(ApplyOutcome outcome) {
        switch (outcome) {
            case APPLIED -> applied.increment();
            case DUPLICATE -> duplicate.increment();
            case SUPERSEDED -> superseded.increment();
        }
    }
}
