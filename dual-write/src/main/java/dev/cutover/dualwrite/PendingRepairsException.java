package dev.cutover.dualwrite;

/**
 * The move that would make the new store authoritative refused because the journal holds entries
 * for keys the new store missed: serving reads from it now would serve those keys stale. Repair
 * them first ({@link JournalRepair}, or {@code Repair.fromJournal} for a replicated store), then
 * move again. Moves back are never refused.
 *
 * <pre>{@code
 * try {
 *   StageFlag.advance(store, "orders.migration", audit, journal);   // SHADOW -> LIVE
 * } catch (PendingRepairsException e) {
 *   JournalRepair.of(orders, journal).read("find").write("save").run();
 *   StageFlag.advance(store, "orders.migration", audit, journal);
 * }
 * }</pre>
 *
 * <p>A write that misses the new store between the repair and the move is journaled as usual, but
 * once the new store is authoritative no repair copies it from the old store ({@link JournalRepair}
 * leaves an entry that names the authoritative store pending). So repair right before the move,
 * with the shadow side healthy; if such entries appear after it, move back to SHADOW (never
 * refused), repair, and move again.
 *
 * @since 0.1.0
 */
public final class PendingRepairsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long pending;

    /** A refusal of the move of {@code flagKey} to {@code target} with {@code pending} entries. */
    public PendingRepairsException(String flagKey, Stage target, long pending) {
        super("stage flag '" + flagKey + "' may not move to " + target + " while the journal holds "
                + (pending >= 10_000 ? "at least " : "") + pending + " entr" + (pending == 1 ? "y" : "ies")
                + " for keys the new store missed; repair them from the old store (JournalRepair or"
                + " Repair.fromJournal), then move again");
        this.pending = pending;
    }

    /** How many pending entries name the new store (counting stops at 10,000). */
    public long pending() {
        return pending;
    }
}
