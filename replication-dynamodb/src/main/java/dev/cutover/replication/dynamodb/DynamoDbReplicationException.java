package dev.cutover.replication.dynamodb;

/**
 * A DynamoDB call of the replication failed for good: refused for capacity after every retry, or
 * failed for another reason the call cannot recover from. The message names the key, shard or
 * table involved; the cause is the SDK's exception.
 *
 * <pre>{@code
 * try {
 *   target.apply(changes);
 * } catch (DynamoDbReplicationException e) {
 *   log.warn("will retry the batch: {}", e.getMessage()); // applying again is safe
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public class DynamoDbReplicationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, caused by {@code cause}. */
    public DynamoDbReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
