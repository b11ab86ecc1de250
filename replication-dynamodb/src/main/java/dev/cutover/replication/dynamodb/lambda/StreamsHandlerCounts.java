package dev.cutover.replication.dynamodb.lambda;

/**
 * What a {@link DynamoDbStreamsHandler} did so far in its execution environment, counted since it
 * was built: one snapshot, for tests and logs ({@link StreamsHandlerMetrics} publishes the same
 * counts). Redelivered records are counted again each time.
 *
 * <pre>{@code
 * StreamsHandlerCounts counts = handler.counts();
 * if (counts.refused() > 0) {
 *   alert("records of the orders stream were refused: repair from the journal");
 * }
 * }</pre>
 *
 * @param invocations batches handled
 * @param records stream records received
 * @param applied changes the target wrote
 * @param duplicate changes the target already held at their version (a redelivery, a backfill
 *     that got there first)
 * @param superseded changes the target held a newer version of
 * @param failed batches that reported a failed record: it and the records after it came again
 * @param refused records that cannot be applied however often they come (the mapping could not
 *     make a change, or the target refused it): logged, journaled, and not retried
 * @since 0.2.0
 */
public record StreamsHandlerCounts(
        long invocations, long records, long applied, long duplicate, long superseded, long failed, long refused) {}
