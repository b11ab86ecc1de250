package dev.cutover.flags;

/**
 * Thrown by an {@link EvaluationContext.Source} when an attribute that an evaluation reads holds a
 * value no rule can compare (a list, a nested object, an unsupported type). The evaluation then
 * serves the caller's default with {@link ErrorCode#INVALID_CONTEXT}; nothing is logged, since the
 * adapter that threw it knows the attribute and reports it to its own caller.
 *
 * @since 0.1.0
 */
public class InvalidContextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String attribute;

    /**
     * @param attribute the attribute that was read
     * @param message what is wrong with its value, naming the attribute
     */
    public InvalidContextException(String attribute, String message) {
        super(message, null, false, false);
        this.attribute = attribute;
    }

    /** The attribute whose value could not be compared. */
    public String attribute() {
        return attribute;
    }
}
