package dev.cutover.compare;

import org.jspecify.annotations.Nullable;

/**
 * Why a comparison stopped, carried from where it happened to {@link Comparison#compare}, which
 * turns it into an {@link ComparisonResult.Outcome#ERROR}. The message names the step and the
 * types of what was thrown, never a value or an exception message: those often quote the data.
 */
final class CompareFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param where the step, such as "normalizer 2 of 3 (com.acme.Trim) on the old result"
     * @param cause what the step threw, or null when the step refused (a tree too deep)
     */
    CompareFailure(String where, @Nullable Throwable cause) {
        super(describe(where, cause), cause, false, false);
    }

    private static String describe(String where, @Nullable Throwable cause) {
        if (cause == null) {
            return "cannot compare: " + where;
        }
        StringBuilder text = new StringBuilder("cannot compare: ")
                .append(where)
                .append(" threw ")
                .append(cause.getClass().getName());
        Throwable root = cause;
        for (int i = 0; i < 20 && root.getCause() != null && root.getCause() != root; i++) {
            root = root.getCause();
        }
        if (root != cause) {
            text.append(" caused by ").append(root.getClass().getName());
        }
        return text.toString();
    }

    /**
     * Wraps what a step threw, except errors after which the JVM should not carry on ({@link
     * OutOfMemoryError} and other {@link VirtualMachineError}s but a stack overflow, which unwinds
     * cleanly): those are rethrown.
     */
    static CompareFailure of(String where, Throwable thrown) {
        if (thrown instanceof VirtualMachineError fatal && !(thrown instanceof StackOverflowError)) {
            throw fatal;
        }
        return thrown instanceof CompareFailure failure ? failure : new CompareFailure(where, thrown);
    }
}
