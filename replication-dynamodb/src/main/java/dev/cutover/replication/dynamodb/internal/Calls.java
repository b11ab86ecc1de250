package dev.cutover.replication.dynamodb.internal;

import dev.cutover.replication.dynamodb.DynamoDbReplicationException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * DynamoDB calls of one table reader or writer: retried while throttled, and a failure that is
 * not a failed condition becomes a {@link DynamoDbReplicationException} naming what was called
 * on what (a failed condition is an answer, and goes to the caller as it is).
 */
public final class Calls {
    private final Throttling throttling;
    private final String on;

    /**
     * @param throttling the retry of throttled calls
     * @param on what the calls go to, for messages (a table, a target's description)
     */
    public Calls(Throttling throttling, String on) {
        this.throttling = throttling;
        this.on = on;
    }

    /** Runs {@code call}; {@code what} names it in a failure ("apply of ...", "scan of segment 2"). */
    public <T> T call(String what, Supplier<T> call) {
        try {
            return throttling.call(call);
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw new DynamoDbReplicationException(what + " on " + on + " failed: " + e.getMessage(), e);
        }
    }

    /** The throttling counts. */
    public Throttling throttling() {
        return throttling;
    }
}
