package dev.cutover.dualwrite;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A migration stage: which store is authoritative, which stores are written, and which side is
 * read in the shadow and compared. The stage flag's string value is one of these names.
 *
 * <table>
 *   <caption>Stages</caption>
 *   <tr><th>stage</th><th>writes</th><th>reads returned</th><th>shadow</th></tr>
 *   <tr><td>OLD_ONLY</td><td>old</td><td>old</td><td>none</td></tr>
 *   <tr><td>DUAL_WRITE</td><td>old, then new</td><td>old</td><td>new written</td></tr>
 *   <tr><td>SHADOW</td><td>old, then new</td><td>old</td><td>new read and compared</td></tr>
 *   <tr><td>LIVE</td><td>new, then old</td><td>new</td><td>old read and compared</td></tr>
 *   <tr><td>RAMP_DOWN</td><td>new, then old</td><td>new</td><td>none</td></tr>
 *   <tr><td>NEW_ONLY</td><td>new</td><td>new</td><td>none</td></tr>
 * </table>
 *
 * <p>Stages are ordered; operators move one step at a time, forward or back ({@link StageFlag}
 * refuses anything else), because every adjacent pair agrees on where writes land: whichever of
 * two neighbouring stages a call sees, no write goes only to a store the other stage does not read.
 *
 * <pre>{@code
 * Stage stage = Stage.parse("SHADOW").orElseThrow();
 * Stage next = stage.next().orElseThrow();   // LIVE
 * }</pre>
 *
 * @since 0.1.0
 */
public enum Stage {
    /** Old store only: the starting point. */
    OLD_ONLY(Side.OLD, false, false),
    /** Writes go to old, then to new in the shadow; reads come from old. */
    DUAL_WRITE(Side.OLD, true, false),
    /** As {@link #DUAL_WRITE}, and reads are also made on new in the shadow and compared. */
    SHADOW(Side.OLD, true, true),
    /** New is authoritative; writes go to new, then old; reads of old are compared in the shadow. */
    LIVE(Side.NEW, true, true),
    /** New is authoritative; writes still go to old in the shadow, so a rollback loses nothing. */
    RAMP_DOWN(Side.NEW, true, false),
    /** New store only: the migration is done. */
    NEW_ONLY(Side.NEW, false, false);

    private static final Stage[] VALUES = values();

    private final Side authoritative;
    private final boolean shadowWrites;
    private final boolean shadowReads;

    Stage(Side authoritative, boolean shadowWrites, boolean shadowReads) {
        this.authoritative = authoritative;
        this.shadowWrites = shadowWrites;
        this.shadowReads = shadowReads;
    }

    /** The store whose results and exceptions the caller gets, and which is written first. */
    public Side authoritative() {
        return authoritative;
    }

    /** The other store: written and read in the shadow, when this stage does either. */
    public Side shadow() {
        return authoritative.other();
    }

    /** Whether writes reach the old store. */
    public boolean writesOld() {
        return authoritative == Side.OLD || shadowWrites;
    }

    /** Whether writes reach the new store. */
    public boolean writesNew() {
        return authoritative == Side.NEW || shadowWrites;
    }

    /** Whether writes are repeated on the {@link #shadow()} store after the authoritative one. */
    public boolean shadowWrites() {
        return shadowWrites;
    }

    /** Whether reads are repeated on the {@link #shadow()} store and compared. */
    public boolean shadowReads() {
        return shadowReads;
    }

    /** The stage one step forward, empty for {@link #NEW_ONLY}. */
    public Optional<Stage> next() {
        int i = ordinal() + 1;
        return i < VALUES.length ? Optional.of(VALUES[i]) : Optional.empty();
    }

    /** The stage one step back, empty for {@link #OLD_ONLY}. */
    public Optional<Stage> previous() {
        int i = ordinal() - 1;
        return i >= 0 ? Optional.of(VALUES[i]) : Optional.empty();
    }

    /** Whether {@code target} is this stage or one step from it: the moves operators may make. */
    public boolean canMoveTo(Stage target) {
        Objects.requireNonNull(target, "target");
        return Math.abs(target.ordinal() - ordinal()) <= 1;
    }

    /**
     * The stage named by a flag value: the constant's name, ignoring case and surrounding blanks.
     * Empty for anything else.
     */
    public static Optional<Stage> parse(String value) {
        Objects.requireNonNull(value, "value");
        String name = value.strip().toUpperCase(Locale.ROOT);
        for (Stage s : VALUES) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
