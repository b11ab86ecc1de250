package dev.cutover.testsupport;

/**
 * The tag of the long variants of the test suite: properties with many more tries than the default
 * run affords. {@code mvn -B verify} leaves them out; {@code mvn -B verify -Dcutover.long=true} runs
 * them as well (the root POM's {@code long-tests} profile clears the excluded tag).
 */
public final class LongRuns {

    /** Put on a {@code @Property} or {@code @Test} with {@code @Tag(LongRuns.TAG)}. */
    public static final String TAG = "long";

    private LongRuns() {}
}
