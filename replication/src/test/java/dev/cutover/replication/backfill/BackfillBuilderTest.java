package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillBuilder;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.TransformResult;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.testsupport.SharedDatabases;
import java.time.Duration;
import javax.sql.DataSource;
import net.jqwik.api.Example;

/** Every setting is checked when set, and the message names the bad value. */
class BackfillBuilderTest {
    private final BackfillBuilder builder =
            Backfill.from(new InMemoryVersionedTarget()).to(new InMemoryVersionedTarget());

    @Example
    void badSettingsAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> builder.batchSize(0))
                .hasMessageContaining("batchSize")
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> builder.batchSize(10_001)).hasMessageContaining("was 10001");
        assertThatThrownBy(() -> builder.workers(0))
                .hasMessageContaining("workers")
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> builder.workers(65)).hasMessageContaining("was 65");
        assertThatThrownBy(() -> builder.rateLimit(0))
                .hasMessageContaining("rateLimit")
                .hasMessageContaining("was 0.0");
        assertThatThrownBy(() -> builder.rateLimit(Double.NaN)).hasMessageContaining("was NaN");
        assertThatThrownBy(() -> builder.rateLimit(Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> builder.lease(Duration.ofMillis(99)))
                .hasMessageContaining("lease")
                .hasMessageContaining("PT0.099S");
        assertThatThrownBy(() -> builder.lease(Duration.ofDays(2))).hasMessageContaining("PT48H");
        assertThatThrownBy(() -> builder.owner(" "))
                .hasMessageContaining("owner")
                .hasMessageContaining("' '");
        assertThatThrownBy(() -> builder.owner("a\nb")).hasMessageContaining("control");
        assertThatThrownBy(() -> builder.owner("x".repeat(201))).hasMessageContaining("200");
        assertThatThrownBy(() -> builder.name("no spaces")).hasMessageContaining("'no spaces'");
        assertThatThrownBy(() -> builder.collisionTracking(-1)).hasMessageContaining("was -1");
        assertThatThrownBy(() -> builder.estimatedRows(-5)).hasMessageContaining("was -5");
        assertThatThrownBy(() -> TransformResult.reject(" ")).hasMessageContaining("' '");
    }

    @Example
    void aLeaseShorterThanThePagesAtTheRateLimitIsRejected() {
        assertThatThrownBy(() -> builder.rateLimit(100)
                        .batchSize(500)
                        .workers(2)
                        .lease(Duration.ofSeconds(20))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT20S")
                .hasMessageContaining("500")
                .hasMessageContaining("100.0 rows/s")
                .hasMessageContaining("PT30S");
        assertThat(builder.lease(Duration.ofSeconds(30)).build().name()).isEqualTo("backfill");
    }

    @Example
    void theDefaultOwnerNamesTheProcess() {
        Backfill backfill = builder.build();
        assertThat(backfill.owner())
                .contains(String.valueOf(ProcessHandle.current().pid()));
        Backfill other = Backfill.from(new InMemoryVersionedTarget())
                .to(new InMemoryVersionedTarget())
                .build();
        assertThat(other.owner()).as("unique per builder").isNotEqualTo(backfill.owner());
    }

    @Example
    void jdbcCheckpointNamesAreChecked() {
        DataSource none = SharedDatabases.h2();
        assertThatThrownBy(() -> JdbcCheckpointStore.builder(none, "Orders")).hasMessageContaining("'Orders'");
        assertThatThrownBy(() -> JdbcCheckpointStore.builder(none, "orders; drop"))
                .hasMessageContaining("'orders; drop'");
        assertThatThrownBy(() -> JdbcCheckpointStore.builder(none, "orders").tablePrefix("1x"))
                .hasMessageContaining("'1x'");
        assertThatThrownBy(
                        () -> JdbcCheckpointStore.builder(none, "o".repeat(50)).build())
                .hasMessageContaining("63")
                .hasMessageContaining("67");
        assertThat(JdbcCheckpointStore.builder(none, "orders_v2").build().table())
                .isEqualTo("cutover_backfill_orders_v2");
    }
}
