package dev.cutover.benchmarks;

import org.togglz.core.Feature;
import org.togglz.core.activation.GradualActivationStrategy;
import org.togglz.core.activation.Parameter;
import org.togglz.core.manager.FeatureManager;
import org.togglz.core.manager.FeatureManagerBuilder;
import org.togglz.core.repository.FeatureState;
import org.togglz.core.repository.mem.InMemoryStateRepository;
import org.togglz.core.spi.ActivationStrategy;
import org.togglz.core.user.FeatureUser;
import org.togglz.core.user.SimpleFeatureUser;
import org.togglz.core.user.UserProvider;

/**
 * Togglz: a {@link FeatureManager} over an {@link InMemoryStateRepository}. The plain flag is an
 * enabled feature without strategy. The rules flag uses {@link RulesThenGradualStrategy}: Togglz
 * has no attribute rules of its own, so the three rules are a custom activation strategy, which
 * then delegates to Togglz's built-in {@link GradualActivationStrategy} for the 10% rollout.
 *
 * <p>Togglz reads the acting user from a {@link UserProvider} rather than from an argument; the
 * benchmark sets the current user on a plain field before each check, as a request filter would.
 */
public final class TogglzFlags implements FlagSystem<FeatureUser> {

    /** The two flags as a Togglz feature enum. */
    public enum Features implements Feature {
        /** {@link BenchmarkFlags#PLAIN_BOOLEAN}. */
        PLAIN_BOOLEAN,
        /** {@link BenchmarkFlags#RULES_ROLLOUT}. */
        RULES_ROLLOUT
    }

    private final CurrentUserProvider users = new CurrentUserProvider();
    private final FeatureManager manager;

    /** Builds the feature manager and stores both feature states. */
    public TogglzFlags() {
        InMemoryStateRepository states = new InMemoryStateRepository();
        states.setFeatureState(new FeatureState(Features.PLAIN_BOOLEAN, true));
        states.setFeatureState(new FeatureState(Features.RULES_ROLLOUT, true)
                .setStrategyId(RulesThenGradualStrategy.ID)
                .setParameter(
                        GradualActivationStrategy.PARAM_PERCENTAGE, Integer.toString(BenchmarkFlags.ROLLOUT_PERCENT)));
        manager = FeatureManagerBuilder.begin()
                .name("cutover-benchmarks")
                .featureEnum(Features.class)
                .stateRepository(states)
                .userProvider(users)
                .activationStrategy(new RulesThenGradualStrategy())
                .build();
    }

    @Override
    public String name() {
        return "togglz";
    }

    @Override
    public FeatureUser context(Subject subject) {
        return new SimpleFeatureUser(subject.key())
                .setAttribute("country", subject.country())
                .setAttribute("plan", subject.plan())
                .setAttribute("email", subject.email());
    }

    @Override
    public boolean plainBoolean(FeatureUser user) {
        users.current = user;
        return manager.isActive(Features.PLAIN_BOOLEAN);
    }

    @Override
    public boolean rulesRollout(FeatureUser user) {
        users.current = user;
        return manager.isActive(Features.RULES_ROLLOUT);
    }

    @Override
    public void close() {
        users.current = null;
    }

    /** Holds the acting user; single-threaded benchmarks set it before each check. */
    private static final class CurrentUserProvider implements UserProvider {
        private FeatureUser current;

        @Override
        public FeatureUser getCurrentUser() {
            return current;
        }
    }

    /**
     * Rules 1 to 3 of {@link BenchmarkFlags} on the user's attributes, then Togglz's gradual rollout
     * (hash of user name and feature name, modulo 100).
     */
    public static final class RulesThenGradualStrategy implements ActivationStrategy {

        /** The strategy id stored in the feature state. */
        public static final String ID = "cutover-rules-then-gradual";

        private final GradualActivationStrategy gradual = new GradualActivationStrategy();

        @Override
        public String getId() {
            return ID;
        }

        @Override
        public String getName() {
            return "Attribute rules, then gradual rollout";
        }

        @Override
        public boolean isActive(FeatureState featureState, FeatureUser user) {
            if (user != null
                    && BenchmarkFlags.matchesRules(
                            user.getAttribute("country"), user.getAttribute("plan"), user.getAttribute("email"))) {
                return true;
            }
            return gradual.isActive(featureState, user);
        }

        @Override
        public Parameter[] getParameters() {
            return gradual.getParameters();
        }
    }
}
