package dev.cutover.benchmarks;

/**
 * A sticky percentage rollout for the systems that have none built in (FF4j, OpenFeature's
 * in-memory provider), written as cheaply as Cutover's own: {@code bucket = fmix32(seedHash ^
 * key.hashCode() * golden) mod 100}. Like Cutover it uses {@link String#hashCode()}, which a
 * {@code String} caches, so both sides pay the same for a key string that is reused (the
 * benchmark's case) and for a new one (about 9 ns more for a 13-character key, on both sides).
 * Allocates nothing.
 */
public final class StickyBuckets {
    private final int seedState;

    /** Buckets for one flag; the seed is usually the flag key. */
    public StickyBuckets(String seed) {
        this.seedState = fmix32(seed.hashCode() * 0x9E3779B9 + seed.length());
    }

    /** The bucket of {@code key}, from 0 to 99. */
    public int percentBucket(String key) {
        return Integer.remainderUnsigned(fmix32(seedState ^ key.hashCode() * 0x9E3779B9), 100);
    }

    /** Whether {@code key} falls in the first {@code percent} buckets. */
    public boolean inRollout(String key, int percent) {
        return percentBucket(key) < percent;
    }

    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
