package dev.cutover.replication.sqs.internal;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@code SqsQueueCounts}: shared by the sender, the receiver and the acks. */
public final class QueueCounters {
    public final LongAdder sent = new LongAdder();
    public final LongAdder sendFailed = new LongAdder();
    public final LongAdder received = new LongAdder();
    public final LongAdder redelivered = new LongAdder();
    public final LongAdder acked = new LongAdder();
    public final LongAdder deadLettered = new LongAdder();
    public final LongAdder rejected = new LongAdder();
}
