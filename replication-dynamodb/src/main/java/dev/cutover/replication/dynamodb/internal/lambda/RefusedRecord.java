package dev.cutover.replication.dynamodb.internal.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import org.jspecify.annotations.Nullable;

/**
 * A record that cannot be applied however often it is tried: the mapping could not make a change
 * of it, or the target refused its change ({@link IllegalArgumentException}).
 *
 * @param index its position in the batch
 * @param record the record
 * @param key the change key, when the key mapping could make one; else null
 * @param reason why, one line: the exception's message, never a value of the item but the key
 */
record RefusedRecord(
        int index, DynamodbStreamRecord record, @Nullable String key, String reason) {}
