package dev.cutover.flags.spi;

import dev.cutover.flags.Subscription;

/**
 * A source of flag definitions.
 *
 * <p><b>Thread safety:</b> implementations must be safe for concurrent calls. The client issues
 * one call at a time from its store pool, but a call that exceeded the client's time limit may
 * still be running when the next one starts, and several clients may share one store.
 *
 * <p><b>Version rule:</b> the revision is a number that grows with every change of any flag and
 * never goes back (a client ignores a snapshot older than the one it serves). Each flag's version
 * grows with each write of that flag.
 *
 * <p><b>Error rule:</b> methods signal an unavailable store by throwing any exception; the client
 * retries, keeps its last good snapshot and reports the store as stale. They should not return
 * partial data. Malformed individual documents are returned as they are: the client validates
 * each one and rejects only the bad ones.
 *
 * @since 0.1.0
 */
public interface FlagStore extends AutoCloseable {

    /**
     * Reads every flag document and the revision they belong to, consistently: the revision must not
     * claim changes the documents do not contain.
     */
    StoreSnapshot load() throws Exception;

    /**
     * Returns the current revision with one small read, so an idle poll stays cheap whatever the
     * number of flags.
     */
    long headRevision() throws Exception;

    /**
     * Subscribes to push hints. The default has no push and returns {@link Subscription#NONE};
     * polling is always on as the safety net. Should return promptly and connect in the background;
     * the client subscribes on its store pool before its first load, without waiting for it.
     * Closing the returned subscription must stop any thread started for it once no subscriber is
     * left.
     *
     * <p><b>Gap rule:</b> a change made before the push source is live sends no hint, so the client
     * reloads once when this method returns, and a store whose push source becomes live only later
     * (a connection opened in the background, a stream position taken later) must call the listener
     * once it is live, and again after every reconnect. Then every change made after the client's
     * {@code build()} returned is served within push latency, not at the next poll.
     */
    default Subscription subscribe(ChangeHintListener listener) {
        return Subscription.NONE;
    }

    /** A short description for logs and metric tags, such as {@code jdbc:postgresql}. */
    default String describe() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? getClass().getName() : simple;
    }

    /** Releases the store's resources. The client does not close the store it was given. */
    @Override
    default void close() {}
}
