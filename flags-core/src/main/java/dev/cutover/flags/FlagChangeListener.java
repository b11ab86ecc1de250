package dev.cutover.flags;

/**
 * Told once per actual change of a flag. Called on the client's notification thread, never on the
 * evaluation path; an exception it throws is logged and does not affect other listeners.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface FlagChangeListener {

    /** Handles one change. */
    void onChange(FlagChangeEvent event);
}
