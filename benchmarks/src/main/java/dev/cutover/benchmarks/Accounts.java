package dev.cutover.benchmarks;

import java.util.Optional;

/**
 * The repository migrated in the dual-write benchmarks. Cutover proxies it directly; LaunchDarkly's
 * {@code Migration} and Scientist4J's {@code Experiment} are given its two methods as lambdas.
 */
public interface Accounts {

    /** The account with this id, if any. A read, keyed by {@code id}. */
    Optional<Account> find(String id);

    /** Stores an account, replacing the one with the same id. A write, keyed by the account's id. */
    void save(Account account);
}
