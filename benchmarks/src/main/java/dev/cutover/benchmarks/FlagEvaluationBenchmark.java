package dev.cutover.benchmarks;

import com.launchdarkly.sdk.LDContext;
import dev.cutover.flags.EvaluationContext;
import io.getunleash.UnleashContext;
import java.util.concurrent.TimeUnit;
import org.ff4j.core.FlippingExecutionContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.togglz.core.user.FeatureUser;

/**
 * Boolean flag evaluation, one benchmark per system and scenario, named
 * {@code <system>_<scenario>}:
 *
 * <ul>
 *   <li>{@code plainBoolean}: {@link BenchmarkFlags#PLAIN_BOOLEAN}, on, {@code true} for everyone;
 *   <li>{@code rulesRollout}: {@link BenchmarkFlags#RULES_ROLLOUT}, three attribute rules that
 *       {@link BenchmarkFlags#BENCHMARK_SUBJECT} does not match, then a 10% rollout by key.
 * </ul>
 *
 * <p>Each system lives in its own {@link State}, so a fork starts only the library it measures.
 * The context is built once in {@link Setup}; each benchmark returns the evaluated value so that
 * JMH consumes it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlagEvaluationBenchmark {

    /** Cutover's client over an in-memory store. */
    @State(Scope.Benchmark)
    public static class CutoverState {
        CutoverFlags flags;
        EvaluationContext context;

        /** Starts the client and builds the context. */
        @Setup
        public void setUp() throws Exception {
            flags = new CutoverFlags();
            context = flags.context(BenchmarkFlags.BENCHMARK_SUBJECT);
        }

        /** Stops the client. */
        @TearDown
        public void tearDown() {
            flags.close();
        }
    }

    /** Cutover's client with Micrometer metrics bound, so every evaluation is counted. */
    @State(Scope.Benchmark)
    public static class CutoverMeteredState {
        CutoverFlags flags;
        EvaluationContext context;

        /** Starts the client, binds metrics and builds the context. */
        @Setup
        public void setUp() throws Exception {
            flags = new CutoverFlags(true);
            context = flags.context(BenchmarkFlags.BENCHMARK_SUBJECT);
        }

        /** Stops the client. */
        @TearDown
        public void tearDown() {
            flags.close();
        }
    }

    /** LaunchDarkly's client over its file data source. */
    @State(Scope.Benchmark)
    public static class LaunchDarklyState {
        LaunchDarklyFlags flags;
        LDContext context;

        /** Starts the client and builds the context. */
        @Setup
        public void setUp() {
            flags = new LaunchDarklyFlags();
            context = flags.context(BenchmarkFlags.BENCHMARK_SUBJECT);
        }

        /** Stops the client. */
        @TearDown
        public void tearDown() {
            flags.close();
        }
    }

    /** Unleash's client over bootstrapped toggles. */
    @State(Scope.Benchmark)
    public static class UnleashState {
        UnleashFlags flags;
        UnleashContext context;

        /** Starts the client and builds the context. */
        @Setup
        public void setUp() {
            flags = new UnleashFlags();
            context = flags.context(BenchmarkFlags.BENCHMARK_SUBJECT);
        }

        /** Stops the client. */
        @TearDown
        public void tearDown() {
            flags.close();
        }
    }

    /** Togglz's feature manager over an in-memory state repository. */
    @State(Scope.Benchmark)
    public static class TogglzState {
        TogglzFlags flags;
        FeatureUser context;

        /** Builds the feature manager and the user. */
        @Setup
        public void setUp() {
            flags = new TogglzFlags();
            context = flags.context(BenchmarkFlags.BENCHMARK_SUBJECT);
        }

        /** Releases the user. */
        @TearDown
        public void tearDown() {
            flags.close();
        }
    }

    /** FF4j over its in-memory feature store. */
    @State(Scope.Benchmark)
    public static class Ff4jState {
        Ff4jFlags flags;
        FlippingExecutionContext context;

        /** Creates the features and the execution context. */
        @Setup
        public void setUp() {
            flags = new Ff4jFlags();
            context = flags.context(BenchmarkFlags.BENCHMARK_SUBJECT);
        }

        /** Stops FF4j's event publisher. */
        @TearDown
        public void tearDown() {
            flags.close();
        }
    }

    /** OpenFeature's client over its in-memory provider. */
    @State(Scope.Benchmark)
    public static class OpenFeatureState {
        OpenFeatureFlags flags;
        dev.openfeature.sdk.EvaluationContext context;

        /** Registers the provider and builds the context. */
        @Setup
        public void setUp() {
            flags = new OpenFeatureFlags();
            context = flags.context(BenchmarkFlags.BENCHMARK_SUBJECT);
        }

        /** Shuts the API down. */
        @TearDown
        public void tearDown() {
            flags.close();
        }
    }

    /** Cutover, plain flag. */
    @Benchmark
    public boolean cutover_plainBoolean(CutoverState s) {
        return s.flags.plainBoolean(s.context);
    }

    /** Cutover, rules and rollout. */
    @Benchmark
    public boolean cutover_rulesRollout(CutoverState s) {
        return s.flags.rulesRollout(s.context);
    }

    /** Cutover with metrics bound, plain flag. */
    @Benchmark
    public boolean cutoverMetered_plainBoolean(CutoverMeteredState s) {
        return s.flags.plainBoolean(s.context);
    }

    /** Cutover with metrics bound, rules and rollout. */
    @Benchmark
    public boolean cutoverMetered_rulesRollout(CutoverMeteredState s) {
        return s.flags.rulesRollout(s.context);
    }

    /** LaunchDarkly, plain flag. */
    @Benchmark
    public boolean launchdarkly_plainBoolean(LaunchDarklyState s) {
        return s.flags.plainBoolean(s.context);
    }

    /** LaunchDarkly, rules and rollout. */
    @Benchmark
    public boolean launchdarkly_rulesRollout(LaunchDarklyState s) {
        return s.flags.rulesRollout(s.context);
    }

    /** Unleash, plain flag. */
    @Benchmark
    public boolean unleash_plainBoolean(UnleashState s) {
        return s.flags.plainBoolean(s.context);
    }

    /** Unleash, rules and rollout. */
    @Benchmark
    public boolean unleash_rulesRollout(UnleashState s) {
        return s.flags.rulesRollout(s.context);
    }

    /** Togglz, plain flag. */
    @Benchmark
    public boolean togglz_plainBoolean(TogglzState s) {
        return s.flags.plainBoolean(s.context);
    }

    /** Togglz, rules and rollout. */
    @Benchmark
    public boolean togglz_rulesRollout(TogglzState s) {
        return s.flags.rulesRollout(s.context);
    }

    /** FF4j, plain flag. */
    @Benchmark
    public boolean ff4j_plainBoolean(Ff4jState s) {
        return s.flags.plainBoolean(s.context);
    }

    /** FF4j, rules and rollout. */
    @Benchmark
    public boolean ff4j_rulesRollout(Ff4jState s) {
        return s.flags.rulesRollout(s.context);
    }

    /** OpenFeature, plain flag. */
    @Benchmark
    public boolean openfeature_plainBoolean(OpenFeatureState s) {
        return s.flags.plainBoolean(s.context);
    }

    /** OpenFeature, rules and rollout. */
    @Benchmark
    public boolean openfeature_rulesRollout(OpenFeatureState s) {
        return s.flags.rulesRollout(s.context);
    }
}
