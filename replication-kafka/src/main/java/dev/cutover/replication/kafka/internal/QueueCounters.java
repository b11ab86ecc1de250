package dev.cutover.replication.kafka.internal;

import java.util.concurrent.atomic.LongAdder;

/** What a queue did, counted by the threads that did it; read by {@code counts()} and the metrics. */
public final class QueueCounters {
    /** Offers that returned true. */
    public final LongAdder accepted = new LongAdder();
    /** Offers that returned false: no room in the send window in time. */
    public final LongAdder refused = new LongAdder();
    /** Sends the cluster acknowledged. */
    public final LongAdder sent = new LongAdder();
    /** Accepted sends that failed: recorded as undelivered. */
    public final LongAdder undelivered = new LongAdder();
    /** Changes handed to workers by {@code poll}, redeliveries included. */
    public final LongAdder delivered = new LongAdder();
    /** Changes acknowledged by workers (the first acknowledgement of each fetched record). */
    public final LongAdder acknowledged = new LongAdder();
    /** Changes handed out again because their worker held them past the acknowledgement timeout. */
    public final LongAdder redelivered = new LongAdder();
    /** Records that are not changes, refused and recorded. */
    public final LongAdder poison = new LongAdder();
    /** Fetched records not acknowledged when their partition was revoked or lost: the new owner reads them again. */
    public final LongAdder released = new LongAdder();
    /** Offset commits that succeeded. */
    public final LongAdder commits = new LongAdder();
    /** Offset commits that failed (retried at the next interval). */
    public final LongAdder commitFailures = new LongAdder();
    /** Partitions assigned to this consumer, over its life. */
    public final LongAdder assigned = new LongAdder();
    /** Partitions revoked from or lost by this consumer, over its life. */
    public final LongAdder revoked = new LongAdder();
}
