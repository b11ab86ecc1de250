package dev.cutover.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.Change;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Inserts, updates and deletes on a source table, captured and applied to the JDBC target. */
class PostgresChangeCaptureTest {

    @Test
    void capturedChangesConvergeOnTheTarget() throws Exception {
        Scenario scenario = Scenario.create("converge");
        long beforeStart = System.nanoTime();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PostgresChangeCapture capture = scenario.capture().build()) {
            PostgresCaptureMetrics.of(capture, Tags.of("migration", "items")).bindTo(registry);
            capture.start();
            long started = System.nanoTime();
            scenario.transaction(java.util.List.of("INSERT INTO items (id, name) VALUES (1000, 'first')"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> scenario.target.read("1000").isPresent());
            long firstApplied = System.nanoTime();
            System.out.printf(
                    "capture start %d ms, first change applied %d ms after start returned%n",
                    (started - beforeStart) / 1_000_000, (firstApplied - started) / 1_000_000);

            scenario.randomTransactions(new Random(17), 150, 4, 40);
            scenario.awaitConverged(Duration.ofSeconds(60));

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> capture.counts().captured() == scenario.rowChanges() + 1);
            CaptureCounts counts = capture.counts();
            assertThat(counts.applied() + counts.superseded() + counts.duplicate())
                    .isEqualTo(counts.captured());
            assertThat(counts.duplicate())
                    .as("nothing delivered twice without a restart")
                    .isZero();
            assertThat(counts.offsetsSaved()).isPositive();
            Change first = scenario.target.read("1000").orElseThrow();
            assertThat(LogVersion.transactionLsnOf(first.version())).isPositive();
            assertThat(first.payload().get("name").asText()).isEqualTo("first");

            assertThat(registry.get("cutover.capture.changes")
                            .tags("capture", "converge", "migration", "items", "outcome", "applied")
                            .functionCounter()
                            .count())
                    .isEqualTo(counts.applied());
            assertThat(registry.get("cutover.capture.changes")
                            .tag("outcome", "captured")
                            .functionCounter()
                            .count())
                    .isEqualTo(counts.captured());
            assertThat(registry.get("cutover.capture.running").gauge().value()).isEqualTo(1.0);
            assertThat(registry.get("cutover.capture.lag").gauge().value()).isGreaterThanOrEqualTo(0.0);
            assertThat(registry.get("cutover.capture.offsets.saved")
                            .functionCounter()
                            .count())
                    .isPositive();
        }
        assertThat(registry.get("cutover.capture.running").gauge().value()).isZero();
    }

    @Test
    void rowsArriveTypedAsJdbcSourceReadsThem() throws Exception {
        Scenario scenario = Scenario.create("typed");
        try (PostgresChangeCapture capture = scenario.capture().build()) {
            capture.start();
            scenario.transaction(java.util.List.of("INSERT INTO items VALUES (7, 'seven', 12345678901.50, 0.25,"
                    + " '{\"a\": 12345678901234567.89}', '2024-05-01 10:15:30.123456+02', '2024-02-29',"
                    + " '2024-05-01 10:15:00', true, '\\x0102ff')"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> scenario.target.read("7").isPresent());
            var row = scenario.target.read("7").orElseThrow().payload();
            assertThat(row.get("id").asLong()).isEqualTo(7);
            assertThat(row.get("price").decimalValue()).isEqualByComparingTo("12345678901.50");
            assertThat(row.get("price").decimalValue().scale()).isEqualTo(2);
            assertThat(row.get("ratio").asDouble()).isEqualTo(0.25);
            assertThat(row.get("doc").get("a").decimalValue()).isEqualByComparingTo("12345678901234567.89");
            assertThat(row.get("at").asText()).isEqualTo("2024-05-01T08:15:30.123456Z");
            assertThat(row.get("day").asText()).isEqualTo("2024-02-29");
            assertThat(row.get("seen").asText()).isEqualTo("2024-05-01T10:15");
            assertThat(row.get("ok").asBoolean()).isTrue();
            assertThat(row.get("blob").asText()).isEqualTo("AQL/");
            scenario.awaitConverged(Duration.ofSeconds(30));
        }
    }
}
