package dev.cutover.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.testkit.contract.ShardCheckpointStoreContract;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The capture's checkpoint table passes the published shard checkpoint contract on PostgreSQL. */
class PostgresShardCheckpointStoreTest extends ShardCheckpointStoreContract {
    private static final DataSource DATABASE =
            LogicalPostgres.dataSource(LogicalPostgres.createDatabase("checkpoints"));
    private static final PostgresShardCheckpointStore STORE =
            PostgresShardCheckpointStore.builder(DATABASE).build();

    @Override
    protected ShardCheckpointStore store() {
        return STORE;
    }

    @Test
    void aStoreOnAnotherTableKeepsItsOwnCheckpoints() throws Exception {
        PostgresShardCheckpointStore other = PostgresShardCheckpointStore.builder(DATABASE)
                .table("other_checkpoints")
                .build();
        ShardCheckpointStore.Shard shard = new ShardCheckpointStore.Shard("c", "postgresql://h:1/db", "slot");
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        other.lease(shard, "a", now, now.plusSeconds(30));
        assertThat(other.checkpoint(shard, "a", "{\"format\":1}", now.plusSeconds(30)))
                .isTrue();
        assertThat(other.read(shard).orElseThrow().sequenceNumber()).isEqualTo("{\"format\":1}");
        assertThat(STORE.read(shard)).isEmpty();
        assertThat(other.schemaStatements()).singleElement().asString().contains("other_checkpoints");
    }

    @Test
    void aBadTableNameIsNamed() {
        assertThatThrownBy(() -> PostgresShardCheckpointStore.builder(DATABASE).table("Bad-Name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Bad-Name'");
    }
}
