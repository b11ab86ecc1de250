package dev.cutover.benchmarks.flip;

/** How the instances of a fleet learn about a change. */
public enum Mode {
    /**
     * The store's push channel (PostgreSQL LISTEN/NOTIFY, a DynamoDB Streams reader), with a long
     * poll interval as the safety net.
     */
    PUSH,
    /** No subscription at all; polling only. */
    POLL
}
