package dev.cutover.openfeature.internal;

import dev.openfeature.sdk.ErrorCode;

/**
 * An OpenFeature context that has no Cutover equivalent. Thrown by {@link ContextMapper} and turned
 * into an error evaluation by the provider, never out of it. Carries no stack trace: it reports a
 * caller's input, not a defect.
 */
public final class ContextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    /** An error with the OpenFeature code to report and a message naming the attribute. */
    public ContextException(ErrorCode errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    /** The OpenFeature error code to report. */
    public ErrorCode errorCode() {
        return errorCode;
    }
}
