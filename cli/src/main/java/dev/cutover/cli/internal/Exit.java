package dev.cutover.cli.internal;

/**
 * The exit codes of every command, documented in the README: scripts branch on them.
 */
public final class Exit {
    /** Done as asked. */
    public static final int OK = 0;
    /** A store could not be reached or failed, or anything unexpected; nothing is known to be half done. */
    public static final int FAILED = 1;
    /** Bad arguments: the message names the bad value and the valid choices. */
    public static final int USAGE = 2;
    /** A compare-and-set write lost: someone changed the flag meanwhile; nothing was written. */
    public static final int CONFLICT = 3;
    /** Refused: a stage move that would skip a stage, a change while another is scheduled, and the like. */
    public static final int REFUSED = 4;
    /** The flag, or the version asked for, does not exist. */
    public static final int NOT_FOUND = 5;
    /**
     * Done, but attention is needed: reconciliation found differences or rows a store could not
     * read (rejected, not migrated), a backfill rejected rows or found key collisions, a write's
     * {@code --wait-fleet} ended with live instances behind or none live (the write is kept), or
     * {@code fleet --require-all-live} found an instance that missed its heartbeats.
     */
    public static final int DIFFERENCES = 6;

    private Exit() {}
}
