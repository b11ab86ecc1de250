package dev.cutover.flags.spi;

import dev.cutover.flags.fleet.Heartbeat;
import java.time.Instant;
import java.util.List;

/**
 * A place beside the flags where instances publish {@link Heartbeat}s, implemented by the stores
 * that can hold them ({@code InMemoryFlagStore}, {@code JdbcFlagStore}, {@code DynamoDbFlagStore}).
 *
 * <p><b>Thread safety:</b> implementations must be safe for concurrent calls from many instances.
 *
 * <p><b>Cost rule:</b> {@link #putHeartbeat} is one write of one small record (an upsert, an item
 * put), never a read-modify-write; it runs once per instance and interval, so it must stay cheap
 * however many instances there are. {@link #heartbeats(Instant)} is for operators and may read them all.
 *
 * <p><b>Error rule:</b> methods signal an unavailable store by throwing; callers log and retry at the
 * next interval. A heartbeat never touches the flags, their revision or their push hints.
 *
 * @since 0.2.0
 */
public interface HeartbeatStore {

    /** Creates the heartbeat table when it is missing; idempotent. */
    void createHeartbeatTableIfMissing() throws Exception;

    /** Stores {@code heartbeat}, replacing the one stored for its service and instance. */
    void putHeartbeat(Heartbeat heartbeat) throws Exception;

    /**
     * Every stored heartbeat whose {@link Heartbeat#expiresAt()} has not passed by {@code now}, in
     * any order. A record that cannot be read as a heartbeat is skipped with a warning naming it.
     */
    List<Heartbeat> heartbeats(Instant now) throws Exception;

    /** Removes the heartbeat of one instance, if stored: called when the instance shuts down. */
    void removeHeartbeat(String service, String instance) throws Exception;

    /**
     * Removes heartbeats that expired before {@code now} and returns how many; stores that expire
     * records themselves (DynamoDB's time to live) may return 0. Called once when an instance starts.
     */
    default int removeExpiredHeartbeats(Instant now) throws Exception {
        return 0;
    }
}
