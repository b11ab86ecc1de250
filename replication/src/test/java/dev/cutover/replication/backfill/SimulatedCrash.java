package dev.cutover.replication.backfill;

/** Thrown where a test "kills" a backfill process: at the kill point and by every later call. */
final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
        super(message, null, false, false);
    }
}
