package dev.cutover.replication.integration;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How the application's events reach the mirror: each event once, or twice (a duplicate), at once
 * or held back and handed over later among other events (out of order), all held events at the
 * end. An event handed over while the mirror's gate is off is skipped by the mirror: it is lost,
 * as the events of a migration's first phase are, and only the backfill (or a repair) makes up
 * for it. Remembers which events the mirror took.
 *
 * <p>Thread-safe: every method holds the instance's lock, also while the mirror takes an event
 * (which may wait for room in its queue).
 */
final class Delivery {
    private final Random random;
    private final Consumer<Write> listener;
    private final BooleanSupplier gateOpen;
    private final int holdPercent;
    private final int duplicatePercent;
    private final List<Write> held = new ArrayList<>();
    private final Set<Write> mirrored = new HashSet<>();
    private long mirroredCopies;
    private long skippedCopies;

    Delivery(long seed, Consumer<Write> listener, BooleanSupplier gateOpen, int holdPercent, int duplicatePercent) {
        this.random = new Random(seed);
        this.listener = listener;
        this.gateOpen = gateOpen;
        this.holdPercent = holdPercent;
        this.duplicatePercent = duplicatePercent;
    }

    /**
     * The application emitted {@code w} right after writing it: hand it over, or hold it; then, one
     * time in three while the gate is open, hand over one held event. Events held while the gate is
     * off (in flight in a queue nobody consumed yet) are all handed over after it opened.
     */
    synchronized void emitted(Write w) {
        int copies = random.nextInt(100) < duplicatePercent ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            if (random.nextInt(100) < holdPercent) {
                held.add(w);
            } else {
                deliver(w);
            }
        }
        if (gateOpen.getAsBoolean() && !held.isEmpty() && random.nextInt(3) == 0) {
            deliver(held.remove(random.nextInt(held.size())));
        }
    }

    /** Hands over every held event, in random order. */
    synchronized void flush() {
        while (!held.isEmpty()) {
            deliver(held.remove(random.nextInt(held.size())));
        }
    }

    private void deliver(Write w) {
        if (gateOpen.getAsBoolean()) {
            mirrored.add(w);
            mirroredCopies++;
        } else {
            skippedCopies++;
        }
        listener.accept(w);
    }

    /** Whether the mirror took at least one copy of {@code w}. */
    synchronized boolean mirrored(Write w) {
        return mirrored.contains(w);
    }

    /** Every event the mirror took at least once. */
    synchronized Set<Write> mirrored() {
        return Set.copyOf(mirrored);
    }

    /** Copies handed over while the gate was open. */
    synchronized long mirroredCopies() {
        return mirroredCopies;
    }

    /** Copies handed over while the gate was off. */
    synchronized long skippedCopies() {
        return skippedCopies;
    }
}
