package dev.cutover.replication.dynamodb.internal;

import java.util.concurrent.atomic.LongAdder;

/** What a stream reader counts, written by its thread and read by anyone. */
public final class StreamCounters {
    /** Stream records read and checkpointed. */
    public final LongAdder records = new LongAdder();
    /** Changes the handler took. */
    public final LongAdder delivered = new LongAdder();
    /** Handler calls that threw (their changes were delivered again). */
    public final LongAdder handlerFailures = new LongAdder();
    /** Iterators that expired and were replaced from the checkpoint. */
    public final LongAdder expiredIterators = new LongAdder();
    /** Checkpoints found older than the stream's retention: records were lost. */
    public final LongAdder trimmed = new LongAdder();
    /** Leases another reader took. */
    public final LongAdder lostLeases = new LongAdder();
    /** Failed rounds (stream or checkpoint store errors), each followed by a backoff. */
    public final LongAdder errors = new LongAdder();
}
