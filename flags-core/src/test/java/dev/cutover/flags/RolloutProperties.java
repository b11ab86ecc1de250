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

  /** Buckets of 100,000 distinct keys fill ten equal ranges within 1% of the expected count. */
  @Property(tries = 10)
  void bucketsAreUniform(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String seed) {
    long state = Bucketing.seedState(seed);
    int[] deciles = new int[10];
    for (int i = 0; i < KEYS; i++) {
      deciles[Bucketing.bucket(state, "user-" + i) / 10_000]++;
    }
    for (int count : deciles) {
      assertThat(Math.abs(count - KEYS / 10)).as("decile count %s", count).isLessThanOrEqualTo(KEYS / 100);
    }
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
      ((dev.cutover.flags.internal.DefaultFlagClient) flags).refreshNow();
      for (int i = 0; i < before.length; i++) {
        boolean after = flags.booleanValue("mono", EvaluationContext.of(keyPrefix + i), false);
        if (before[i]) {
          assertThat(after).as("key %s%s left the rollout going %s%% -> %s%%", keyPrefix, i, lo, hi).isTrue();
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
      assertThat(flags.booleanValue("sticky", EvaluationContext.of(key), !first)).isEqualTo(first);
    }
  }

  static Flag rollout(String key, int percent) {
    return Flag.builder(key)
        .booleanVariants()
        .fallthrough(
            Serve.rollout(
                Rollout.of(new Allocation("true", percent), new Allocation("false", 100 - percent))))
        .build();
  }

  private static FlagClient client(Flag flag) {
    ScriptedStore store = new ScriptedStore();
    store.publish(flag);
    return FlagClient.builder(store).build();
  }
}
