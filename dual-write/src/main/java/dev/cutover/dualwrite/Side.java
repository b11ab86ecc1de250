package dev.cutover.dualwrite;

/**
 * One of the two stores behind a dual-write proxy.
 *
 * <pre>{@code
 * Side authoritative = Stage.LIVE.authoritative();   // NEW
 * Side shadow = authoritative.other();               // OLD
 * }</pre>
 *
 * @since 0.1.0
 */
public enum Side {
    /** The store being migrated away from. */
    OLD,
    /** The store being migrated to. */
    NEW;

    /** The other store. */
    public Side other() {
        return this == OLD ? NEW : OLD;
    }
}
