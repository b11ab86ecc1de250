package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.internal.Bucketing;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class RolloutProperties {
    private static final int KEYS = 100_000;

    /**
     * 100,000 distinct keys fill each of the hundred 1% ranges with 1% of the keys, within 0.2
     * percentage points (about 6 standard deviations), and each 10% range within 0.4 points (4.2
     * standard deviations); a chi-square over the hundred ranges stays below its 99.99th percentile.
     */
    @Property(tries = 10)
    void bucketsAreUniform(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String seed) {
        long state = Bucketing.seedState(seed);
        int[] percentiles = new int[100];
        for (int i = 0; i < KEYS; i++) {
            percentiles[Bucketing.bucket(state, "user-" + i) / 1_000]++;
        }
        double chiSquare = 0;
        for (int p = 0; p < 100; p++) {
            int count = percentiles[p];
            assertThat(Math.abs(count - 1_000))
                    .as("keys in range %s%%: %s", p, count)
                    .isLessThanOrEqualTo(200);
            chiSquare += (count - 1_000.0) * (count - 1_000.0) / 1_000.0;
        }
        for (int d = 0; d < 10; d++) {
            int decile = 0;
            for (int p = d * 10; p < d * 10 + 10; p++) {
                decile += percentiles[p];
            }
            assertThat(Math.abs(decile - 10_000))
                    .as("keys in decile %s: %s", d, decile)
                    .isLessThanOrEqualTo(400);
        }
        assertThat(chiSquare).as("chi-square, 99 degrees of freedom").isLessThan(157.0);
    }

    /** Integral attributes hash like their decimal text, without allocating it. */
    @Property(tries = 300)
    void integralBucketingMatchesText(
            @ForAll long value, @ForAll @AlphaChars @StringLength(min = 1, max = 8) String seed) {
        long state = Bucketing.seedState(seed);
        assertThat(Bucketing.bucket(state, value)).isEqualTo(Bucketing.bucket(state, Long.toString(value)));
    }

    /** A p% rollout serves the first variant to p% of 100,000 keys, within 1 percentage point. */
    @Property(tries = 8)
    void rolloutShareMatchesPercentage(@ForAll @IntRange(min = 0, max = 100) int percent) {
        try (FlagClient flags = client(rollout("share", percent))) {
            int on = 0;
            for (int i = 0; i < KEYS; i++) {
                if (flags.booleanValue("share", EvaluationContext.of("customer-" + i), false)) {
                    on++;
                }
            }
            assertThat(Math.abs(on * 100.0 / KEYS - percent)).isLessThanOrEqualTo(1.0);
        }
    }

    /** Raising the percentage never moves an included key out; lowering never adds one. */
    @Property(tries = 30)
    void rolloutIsMonotonic(
            @ForAll @IntRange(min = 0, max = 100) int lower,
            @ForAll @IntRange(min = 0, max = 100) int higher,
            @ForAll @AlphaChars @StringLength(min = 1, max = 12) String keyPrefix) {
        int lo = Math.min(lower, higher);
        int hi = Math.max(lower, higher);
        ScriptedStore store = new ScriptedStore();
        store.publish(rollout("mono", lo));
        try (FlagClient flags = FlagClient.builder(store).build()) {
            boolean[] before = new boolean[2_000];
            for (int i = 0; i < before.length; i++) {
                before[i] = flags.booleanValue("mono", EvaluationContext.of(keyPrefix + i), false);
            }
            store.publish(rollout("mono", hi));
            flags.refreshNow();
            for (int i = 0; i < before.length; i++) {
                boolean after = flags.booleanValue("mono", EvaluationContext.of(keyPrefix + i), false);
                if (before[i]) {
                    assertThat(after)
                            .as("key %s%s left the rollout going %s%% -> %s%%", keyPrefix, i, lo, hi)
                            .isTrue();
                }
            }
        }
    }

    /** The same context always gets the same variant (sticky), whatever other keys are evaluated. */
    @Property(tries = 50)
    void bucketingIsSticky(@ForAll String key, @ForAll @IntRange(min = 0, max = 100) int percent) {
        try (FlagClient flags = client(rollout("sticky", percent))) {
            boolean first = flags.booleanValue("sticky", EvaluationContext.of(key), false);
            flags.booleanValue("sticky", EvaluationContext.of(key + "x"), false);
            assertThat(flags.booleanValue("sticky", EvaluationContext.of(key), !first))
                    .isEqualTo(first);
        }
    }

    static Flag rollout(String key, int percent) {
        return Flag.builder(key)
                .booleanVariants()
                .fallthrough(Serve.rollout(
                        Rollout.of(new Allocation("true", percent), new Allocation("false", 100 - percent))))
                .build();
    }

    private static FlagClient client(Flag flag) {
        ScriptedStore store = new ScriptedStore();
        store.publish(flag);
        return FlagClient.builder(store).build();
    }
}
