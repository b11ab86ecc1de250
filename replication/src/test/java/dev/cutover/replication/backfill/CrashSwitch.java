package dev.cutover.replication.backfill;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kills one simulated backfill process at its {@code killAt}-th call with an effect (a claim, a
 * checkpoint save or done mark, an apply), either before the call takes effect or after (the
 * effect happened, but the process died before learning it). From then on the process is dead:
 * every call of its stores throws, so nothing it does after the kill point has any effect, as
 * after a real {@code kill -9}.
 */
final class CrashSwitch {
    /** A switch that never fires. */
    static final CrashSwitch NEVER = new CrashSwitch(0, false);

    private final int killAt;
    private final boolean afterEffect;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean dead;

    CrashSwitch(int killAt, boolean afterEffect) {
        this.killAt = killAt;
        this.afterEffect = afterEffect;
    }

    /** Throws when the process is dead. */
    void checkAlive() {
        if (dead) {
            throw new SimulatedCrash("the process was killed");
        }
    }

    /**
     * Before a call with an effect: throws when dead or when this call is the kill point before its
     * effect; returns true when the caller must make the effect and then throw {@link #crash()}.
     */
    boolean beforeEffect() {
        checkAlive();
        if (calls.incrementAndGet() != killAt) {
            return false;
        }
        dead = true;
        if (!afterEffect) {
            throw crash();
        }
        return true;
    }

    SimulatedCrash crash() {
        return new SimulatedCrash(
                "killed at call " + killAt + (afterEffect ? ", after its effect" : ", before its effect"));
    }

    boolean fired() {
        return dead;
    }
}
