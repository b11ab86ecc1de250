package dev.cutover.flags.internal;

/**
 * Sticky rollout hashing: {@code bucket = H(seed + "." + value) mod 100000}, where H is 64-bit
 * FNV-1a over UTF-16 code units followed by MurmurHash3's fmix64 finaliser for avalanche. The seed
 * prefix is hashed once per flag at compile time, so evaluation hashes only the value and
 * allocates nothing. Changing this function reshuffles every rollout: it is frozen.
 */
public final class Bucketing {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Bucketing() {}

  /** The hash state after {@code seed + "."}. */
  public static long seedState(String seed) {
    long h = absorb(FNV_OFFSET, seed);
    return (h ^ '.') * FNV_PRIME;
  }

  /** The bucket in [0, 100000) of {@code value} under a seed state. */
  public static int bucket(long seedState, CharSequence value) {
    long h = fmix64(absorb(seedState, value));
    return (int) Long.remainderUnsigned(h, FlagValidator.TOTAL_BUCKETS);
  }

  /**
   * The bucket of an integral value, identical to {@code bucket(seedState, Long.toString(value))}
   * but without allocating the string.
   */
  public static int bucket(long seedState, long value) {
    long h = seedState;
    long v = value;
    if (v < 0) {
      h = (h ^ '-') * FNV_PRIME;
    } else {
      v = -v; // work in negatives so Long.MIN_VALUE needs no special case
    }
    long divisor = 1;
    while (v / divisor <= -10) {
      divisor *= 10;
    }
    for (; divisor > 0; divisor /= 10) {
      long digit = -(v / divisor);
      h = (h ^ ('0' + digit)) * FNV_PRIME;
      v %= divisor;
    }
    return (int) Long.remainderUnsigned(fmix64(h), FlagValidator.TOTAL_BUCKETS);
  }

  private static long absorb(long h, CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      h = (h ^ s.charAt(i)) * FNV_PRIME;
    }
    return h;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
