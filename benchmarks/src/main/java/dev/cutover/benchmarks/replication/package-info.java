/**
 * Replication throughput ({@link dev.cutover.benchmarks.replication.ReplicationThroughput}):
 * Cutover's replication paths against the plainest code that moves the same rows. One class per
 * measurement: the versioned apply ({@link dev.cutover.benchmarks.replication.ApplyMeasurement}),
 * the backfill ({@link dev.cutover.benchmarks.replication.BackfillMeasurement}) and the
 * reconciliation ({@link dev.cutover.benchmarks.replication.ReconcileMeasurement}) on PostgreSQL,
 * and the DynamoDB target's conditional puts ({@link
 * dev.cutover.benchmarks.replication.DynamoDbMeasurement}) on DynamoDB Local; the rows they move
 * come from {@link dev.cutover.benchmarks.replication.Rows}. The reconciliation of 10,000,000 rows,
 * in one process and split over worker JVMs ({@link
 * dev.cutover.benchmarks.replication.LargeReconciliation}), is a program of its own.
 */
@NullMarked
package dev.cutover.benchmarks.replication;

import org.jspecify.annotations.NullMarked;
