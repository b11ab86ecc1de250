package dev.cutover.flags;

/**
 * A handle on a registration (change listener, push subscription); closing it unregisters.
 * Closing twice is harmless.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    /** A subscription that holds nothing. */
    Subscription NONE = () -> {};

    /** Unregisters; never throws. */
    @Override
    void close();
}
