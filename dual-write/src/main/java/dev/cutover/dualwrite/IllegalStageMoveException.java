package dev.cutover.dualwrite;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A stage move that {@link StageFlag} refused because it would skip a stage (or there is no stage
 * to move to). Nothing was written.
 *
 * @since 0.1.0
 */
public class IllegalStageMoveException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String flagKey;
    private final Set<Stage> from;
    private final Stage to;
    private final Set<Stage> allowed;

    /**
     * Creates the exception.
     *
     * @param flagKey the stage flag
     * @param from the stages the flag serves now (two while a ramp is under way)
     * @param to the stage asked for
     * @param allowed the stages it may move to from here
     */
    public IllegalStageMoveException(String flagKey, Set<Stage> from, Stage to, Set<Stage> allowed) {
        super("cannot move stage flag '" + flagKey + "' from " + names(from) + " to " + to
                + ": stages move one step at a time; allowed from here: "
                + (allowed.isEmpty() ? "none" : names(allowed)));
        this.flagKey = Objects.requireNonNull(flagKey, "flagKey");
        this.from = Collections.unmodifiableSet(EnumSet.copyOf(from));
        this.to = Objects.requireNonNull(to, "to");
        this.allowed = allowed.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(allowed));
    }

    private static String names(Set<Stage> stages) {
        return stages.stream().sorted().map(Stage::name).collect(Collectors.joining(", "));
    }

    /** The stage flag. */
    public String flagKey() {
        return flagKey;
    }

    /** The stages the flag serves now. */
    public Set<Stage> from() {
        return from;
    }

    /** The stage asked for. */
    public Stage to() {
        return to;
    }

    /** The stages a move from here may go to. */
    public Set<Stage> allowed() {
        return allowed;
    }
}
