package dev.cutover.flags.spi;

/**
 * Receives push hints from a store: "something changed, reload now". A hint carries no data; the
 * client answers it with a normal head check and load, so a lost or duplicated hint is harmless.
 * Must return quickly; called on the store's own push thread.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ChangeHintListener {

    /** Something in the store changed. */
    void changed();
}
