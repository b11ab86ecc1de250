package dev.cutover.dualwrite;

/** What {@link FaultyOrders} does to a call. */
public enum Fault {
    NONE,
    /** Throw an IllegalStateException before touching the store. */
    THROW,
    /** Park past the test's shadow budget (returns early, throwing, when interrupted), then proceed. */
    DELAY,
    /** Apply the call, then return null (or 0 / false) instead of the result. */
    NULL
}
