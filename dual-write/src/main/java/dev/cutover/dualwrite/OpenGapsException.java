package dev.cutover.dualwrite;

import dev.cutover.journal.Gap;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A stage move past {@link Stage#SHADOW} refused because the journal holds open {@link Gap}s:
 * ranges in which writes may differ between the stores without their keys being journaled. Run a
 * full reconciliation and a repair with the journal; the repair closes the gaps that ended before
 * the reconciliation started ({@code FailedWriteJournal#closeGaps}), and the move is allowed again.
 * Moves back are never refused.
 *
 * <pre>{@code
 * try {
 *   StageFlag.advance(store, "orders.migration", audit, journal);
 * } catch (OpenGapsException e) {
 *   e.gaps().forEach(g -> log.warn("open gap {}", g));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class OpenGapsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The open gaps; not serialized. */
    @SuppressWarnings("serial")
    private final List<Gap> gaps;

    /** A refusal of the move of {@code flagKey} to {@code target} because of {@code gaps}. */
    public OpenGapsException(String flagKey, Stage target, List<Gap> gaps) {
        super("stage flag '" + flagKey + "' may not move to " + target + " while " + gaps.size()
                + " gap(s) are open in the journal (" + describe(gaps) + "); run a full reconciliation and a repair"
                + " with this journal to close them, then move again");
        this.gaps = List.copyOf(gaps);
    }

    private static String describe(List<Gap> gaps) {
        return gaps.stream()
                        .limit(5)
                        .map(g -> g.kind() + " of " + g.repository() + " from " + g.from() + " to " + g.to())
                        .collect(Collectors.joining("; "))
                + (gaps.size() > 5 ? "; ..." : "");
    }

    /** The open gaps that refused the move. */
    public List<Gap> gaps() {
        return gaps;
    }
}
