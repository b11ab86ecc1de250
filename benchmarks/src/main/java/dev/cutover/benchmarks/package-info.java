/**
 * JMH benchmarks of boolean flag evaluation: Cutover side by side with LaunchDarkly, Unleash,
 * Togglz, FF4j and OpenFeature, each configured with the same two flags (see {@link
 * dev.cutover.benchmarks.BenchmarkFlags}); of dual-write overhead ({@link
 * dev.cutover.benchmarks.DualWriteBenchmark}): Cutover's proxy against calling the old repository
 * directly, LaunchDarkly's {@code Migration} and Scientist4J; and of the OpenFeature provider
 * ({@link dev.cutover.benchmarks.OpenFeatureProviderBenchmark}). Also what the plain benchmark
 * programs share ({@link dev.cutover.benchmarks.Mains}, {@link dev.cutover.benchmarks.Percentiles}).
 *
 * <p>The programs, run by hand, each have a package: {@link dev.cutover.benchmarks.flip} (how fast
 * a flip reaches 50 instances, and what idle instances cost, on PostgreSQL and on DynamoDB Local),
 * {@link dev.cutover.benchmarks.replication} (the replication paths' throughput against plain code
 * moving the same rows) and {@link dev.cutover.benchmarks.overload} (shadow writes under overload).
 */
package dev.cutover.benchmarks;
