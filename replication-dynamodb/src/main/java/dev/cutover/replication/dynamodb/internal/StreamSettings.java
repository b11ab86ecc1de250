package dev.cutover.replication.dynamodb.internal;

import java.time.Clock;
import java.time.Duration;

/**
 * The settings of a stream reader, checked by its builder.
 *
 * @param consumer the name checkpoints are kept under
 * @param streamArn the stream followed
 * @param owner this reader's name in leases
 * @param pollInterval the wait between rounds that read nothing, and the first backoff
 * @param describeEvery how often the stream is described to find new shards
 * @param lease how long a lease lasts without renewal
 * @param maxBackoff the longest wait after failures
 * @param batchSize records per {@code GetRecords}
 * @param maxShards most shards held at once
 * @param threads shards read at once
 * @param closeTimeout how long close waits for a handler before interrupting it
 * @param clock the clock of leases
 */
public record StreamSettings(
        String consumer,
        String streamArn,
        String owner,
        Duration pollInterval,
        Duration describeEvery,
        Duration lease,
        Duration maxBackoff,
        int batchSize,
        int maxShards,
        int threads,
        Duration closeTimeout,
        Clock clock) {}
