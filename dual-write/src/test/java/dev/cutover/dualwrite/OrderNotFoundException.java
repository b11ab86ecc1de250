package dev.cutover.dualwrite;

/** A checked exception of the test repository. */
public class OrderNotFoundException extends Exception {
    private static final long serialVersionUID = 1L;

    public OrderNotFoundException(String id) {
        super("no order " + id);
    }
}
