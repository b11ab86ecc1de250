package dev.cutover.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.Change;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Inserts, updates and deletes on a source table, captured and applied to the JDBC target. */
class PostgresChangeCaptureTest {

    @Test
    void capturedChangesConvergeOnTheTarget() throws Exception {
        Scenario scenario = Scenario.create("converge");
        long beforeStart = System.nanoTime();
        try (PostgresChangeCapture capture = scenario.capture().build()) {
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
        }
    }
}
