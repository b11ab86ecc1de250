package dev.cutover.dualwrite.internal;

import org.jspecify.annotations.Nullable;

/**
 * How one store call ended. Not API.
 *
 * @param kind how it ended
 * @param value what it returned, when {@link Kind#RETURNED}
 * @param error what it threw, when {@link Kind#THREW}
 * @param nanos how long it took; -1 when it was not made
 */
record CallOutcome(
        Kind kind, @Nullable Object value, @Nullable Throwable error, long nanos) {

    enum Kind {
        RETURNED,
        THREW,
        TIMED_OUT,
        /** The budget was spent before the call could start. */
        SHED,
        CIRCUIT_OPEN,
        /** The proxy closed before or while the call ran. */
        CANCELLED
    }

    static final CallOutcome SHED = new CallOutcome(Kind.SHED, null, null, -1);
    static final CallOutcome CIRCUIT_OPEN = new CallOutcome(Kind.CIRCUIT_OPEN, null, null, -1);
    static final CallOutcome CANCELLED = new CallOutcome(Kind.CANCELLED, null, null, -1);

    static CallOutcome returned(@Nullable Object value, long nanos) {
        return new CallOutcome(Kind.RETURNED, value, null, nanos);
    }

    static CallOutcome threw(Throwable error, long nanos) {
        return new CallOutcome(Kind.THREW, null, error, nanos);
    }

    /** Whether the store answered (returned or threw), so there is something to compare. */
    boolean answered() {
        return kind == Kind.RETURNED || kind == Kind.THREW;
    }

    /** The class of what was thrown, for messages that must not carry data. */
    String errorClass() {
        return error == null ? "nothing" : error.getClass().getName();
    }
}
