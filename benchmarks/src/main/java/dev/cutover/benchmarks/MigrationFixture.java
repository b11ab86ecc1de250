package dev.cutover.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The data and latencies shared by every system in the dual-write benchmarks: 1,024 accounts, held
 * by both stores, and the latencies of the old and the new store.
 */
public final class MigrationFixture {

    /** How many accounts each store holds; a power of two, so the cursor wraps with a mask. */
    public static final int ACCOUNT_COUNT = 1_024;

    /** The old store's latency in the shadow scenarios (busy-waited on the caller's thread). */
    public static final Duration OLD_LATENCY = Duration.ofNanos(20_000);

    /** The new store's latency in the shadow scenarios: 10 times the old one's (parked). */
    public static final Duration NEW_LATENCY = Duration.ofNanos(200_000);

    /** The accounts, {@code acct-0000} to {@code acct-1023}. */
    public static final List<Account> ACCOUNTS;

    static {
        List<Account> accounts = new ArrayList<>(ACCOUNT_COUNT);
        for (int i = 0; i < ACCOUNT_COUNT; i++) {
            accounts.add(new Account(String.format("acct-%04d", i), "owner-" + i, 100L * i));
        }
        ACCOUNTS = Collections.unmodifiableList(accounts);
    }

    private MigrationFixture() {}

    /** The account at {@code index} in {@link #ACCOUNTS}. */
    public static Account account(int index) {
        return ACCOUNTS.get(index);
    }
}
