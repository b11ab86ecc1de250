package dev.cutover.benchmarks;

/**
 * One flag library configured with the two {@link BenchmarkFlags}. The benchmarks call {@link
 * #plainBoolean} and {@link #rulesRollout} on the concrete class, so each is a direct call to the
 * library's own evaluation method; the context is built once, up front, by {@link #context}.
 *
 * @param <C> the library's evaluation context type
 */
public interface FlagSystem<C> extends AutoCloseable {

    /** Short name, as used in the benchmark method names. */
    String name();

    /** The library's context for a subject. */
    C context(Subject subject);

    /** Evaluates {@link BenchmarkFlags#PLAIN_BOOLEAN}, default {@code false}. */
    boolean plainBoolean(C context);

    /** Evaluates {@link BenchmarkFlags#RULES_ROLLOUT}, default {@code false}. */
    boolean rulesRollout(C context);

    /** Stops the library's threads and releases its resources. */
    @Override
    void close();
}
