package dev.cutover.replication.dynamodb;

import dev.cutover.replication.Change;
import java.util.List;

/**
 * Receives the changes a {@link DynamoDbStreamReader} read from one shard, in the shard's order.
 * Usually the versioned target's apply: {@code target::apply}.
 *
 * <pre>{@code
 * ChangeHandler handler = changes -> {
 *   if (replicationFlag.isOn()) {
 *     target.apply(changes);
 *   }
 * };
 * }</pre>
 *
 * <p>The reader checkpoints the shard only after this returns, so a change is delivered at least
 * once: after a crash, a lost lease or a failure here, the same changes come again, which the
 * versioned apply absorbs. Throwing means "not handled": the reader waits (backing off) and hands
 * the same changes again, and never skips them. Called one shard's batch at a time per shard;
 * with {@link DynamoDbStreamReader.Builder#threads} above 1, from that many threads at once (each
 * with another shard's batch), so the handler must then be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ChangeHandler {

    /** Handles one batch of changes, 1 to the reader's batch size; throws to have it delivered again. */
    void handle(List<Change> changes) throws Exception;
}
