package dev.cutover.benchmarks;

import java.util.Objects;

/**
 * Who a flag is evaluated for, independent of any library: a targeting key plus the three
 * attributes the rules look at. Each {@link FlagSystem} turns it into its own context type once,
 * outside the measured code.
 *
 * @param key targeting key, the rollout's bucketing attribute
 * @param country ISO country code, read by rule 1
 * @param plan subscription plan, read by rule 2
 * @param email e-mail address, read by rule 3
 */
public record Subject(String key, String country, String plan, String email) {

    /** Rejects missing values: every system gets all four. */
    public Subject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(email, "email");
    }

    /** A copy with another key. */
    public Subject withKey(String newKey) {
        return new Subject(newKey, country, plan, email);
    }

    /** A copy with another country. */
    public Subject withCountry(String newCountry) {
        return new Subject(key, newCountry, plan, email);
    }

    /** A copy with another plan. */
    public Subject withPlan(String newPlan) {
        return new Subject(key, country, newPlan, email);
    }

    /** A copy with another e-mail address. */
    public Subject withEmail(String newEmail) {
        return new Subject(key, country, plan, newEmail);
    }
}
