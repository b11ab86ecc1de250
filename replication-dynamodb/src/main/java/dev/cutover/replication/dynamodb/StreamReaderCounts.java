package dev.cutover.replication.dynamodb;

/**
 * What a {@link DynamoDbStreamReader} did so far, counted since it was built: one snapshot, for
 * status pages and tests ({@link DynamoDbReplicationMetrics} publishes the same counts).
 *
 * <pre>{@code
 * StreamReaderCounts counts = reader.counts();
 * if (counts.rejected() > 0 || counts.trimmed() > 0) {
 *   alert("replication of orders left records out: reconcile");
 * }
 * }</pre>
 *
 * @param records stream records read and checkpointed
 * @param delivered changes the handler took
 * @param rejected records that could not become a change, logged and left out
 * @param handlerFailures handler calls that threw; their changes were delivered again
 * @param expiredIterators iterators that expired and were replaced from the checkpoint
 * @param trimmed shards whose checkpoint was older than the stream's retention: records were lost
 * @param lostLeases shards another reader took over
 * @param errors rounds that failed on a stream or checkpoint error and backed off
 * @param shardsHeld shards the reader holds now
 * @since 0.1.0
 */
public record StreamReaderCounts(
        long records,
        long delivered,
        long rejected,
        long handlerFailures,
        long expiredIterators,
        long trimmed,
        long lostLeases,
        long errors,
        int shardsHeld) {}
