/**
 * JMH benchmarks of boolean flag evaluation: Cutover side by side with LaunchDarkly, Unleash,
 * Togglz, FF4j and OpenFeature, each configured with the same two flags (see {@link
 * dev.cutover.benchmarks.BenchmarkFlags}).
 */
package dev.cutover.benchmarks;
