package dev.cutover.benchmarks.flip;

import java.util.List;
import java.util.stream.IntStream;

/**
 * A point-in-time copy of one instance's counters, which the harness subtracts (what a window
 * added) and adds up (over the instances).
 *
 * @param <C> the counters' own type
 */
interface Tally<C extends Tally<C>> {

    /** These counters less {@code earlier}'s. */
    C minus(C earlier);

    /** These counters and {@code other}'s together. */
    C plus(C other);

    /** Per instance, {@code after} less {@code before}. */
    static <C extends Tally<C>> List<C> deltas(List<C> before, List<C> after) {
        return IntStream.range(0, after.size())
                .mapToObj(i -> after.get(i).minus(before.get(i)))
                .toList();
    }

    /** The sum of {@code all}, starting from {@code zero}. */
    static <C extends Tally<C>> C sum(List<C> all, C zero) {
        C sum = zero;
        for (C c : all) {
            sum = sum.plus(c);
        }
        return sum;
    }
}
