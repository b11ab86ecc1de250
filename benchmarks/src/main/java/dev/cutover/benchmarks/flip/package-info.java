/**
 * Flip propagation: how fast a flag flip reaches a fleet of service instances, and what idle
 * instances cost, for the JDBC store on PostgreSQL ({@link dev.cutover.benchmarks.flip.FlipPropagation})
 * and the DynamoDB store on DynamoDB Local ({@link dev.cutover.benchmarks.flip.DynamoDbFlipPropagation}).
 * Both run one harness ({@link dev.cutover.benchmarks.flip.FlipHarness}): a fleet of flag clients,
 * a writer that flips, and a clock that runs until every client serves the new value. Each store
 * brings its fleet, which counts what the instances send, and its tables. {@link
 * dev.cutover.benchmarks.flip.FleetScale} runs the harness on PostgreSQL with up to 1,000 instances,
 * laid out as processes that share a pool ({@link dev.cutover.benchmarks.flip.ProcessFleet}).
 */
@NullMarked
package dev.cutover.benchmarks.flip;

import org.jspecify.annotations.NullMarked;
