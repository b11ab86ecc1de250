/**
 * Change data capture from PostgreSQL for Cutover replication: for a service whose code cannot
 * be tapped, {@link dev.cutover.replication.postgres.PostgresChangeCapture} follows the old
 * database's write-ahead log (Debezium's embedded engine over logical replication with {@code
 * pgoutput}) and applies every committed insert, update and delete of the mapped tables to a
 * {@link dev.cutover.replication.spi.VersionedTarget}, with versions from the log position
 * ({@link dev.cutover.replication.postgres.LogVersion}) and offsets in a {@link
 * dev.cutover.replication.spi.ShardCheckpointStore}.
 *
 * <pre>{@code
 * PostgresChangeCapture capture = PostgresChangeCapture
 *     .builder("jdbc:postgresql://old-db:5432/shop", "cutover_cdc", password)
 *     .table(TableMapping.table("public.orders").key("id"))
 *     .checkpoints(PostgresShardCheckpointStore.builder(dataSource).build())
 *     .into(target)
 *     .build();
 * capture.start();
 * }</pre>
 */
@NullMarked
package dev.cutover.replication.postgres;

import org.jspecify.annotations.NullMarked;
