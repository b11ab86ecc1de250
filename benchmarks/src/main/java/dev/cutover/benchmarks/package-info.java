/**
 * JMH benchmarks of boolean flag evaluation: Cutover side by side with LaunchDarkly, Unleash,
 * Togglz, FF4j and OpenFeature, each configured with the same two flags (see {@link
 * dev.cutover.benchmarks.BenchmarkFlags}); of dual-write overhead ({@link
 * dev.cutover.benchmarks.DualWriteBenchmark}): Cutover's proxy against calling the old repository
 * directly, LaunchDarkly's {@code Migration} and Scientist4J; and {@link
 * dev.cutover.benchmarks.FlipPropagation}, how fast a flip through the JDBC store reaches 50
 * instances and what idle instances cost; and {@link dev.cutover.benchmarks.ReplicationThroughput},
 * the replication paths' throughput (versioned apply, backfill, reconciliation, DynamoDB
 * conditional puts) against plain code moving the same rows.
 */
package dev.cutover.benchmarks;
