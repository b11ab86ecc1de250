package dev.cutover.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.testsupport.ChildJvm;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A capture in another JVM killed with {@code kill -9} mid-stream: a capture started again resumes
 * from the stored offset and the target converges; nothing is lost.
 */
class CaptureKilledTest {

    @Test
    void aCaptureKilledMidStreamResumesFromItsStoredOffset() throws Exception {
        Scenario scenario = Scenario.create("killed");
        ChildJvm child = ChildJvm.start(
                CaptureProcess.class,
                LogicalPostgres.jdbcUrl(scenario.sourceDatabase),
                LogicalPostgres.jdbcUrl(scenario.targetDatabase),
                scenario.name);
        try {
            assertThat(child.awaitLine(CaptureProcess.STREAMING, Duration.ofSeconds(120)))
                    .as("child capture streaming: %s", child.output())
                    .isTrue();
            Scenario.Writer writer = scenario.writer(new Random(23), 80);
            await("the child applied changes")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> count(scenario, "SELECT count(*) FROM items_v2") >= 40);

            assertThat(child.kill9()).as("kill -9").isEqualTo(137);
            long writtenAtKill = scenario.rowChanges();
            await("changes written while nobody captures")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> scenario.rowChanges() >= writtenAtKill + 50);
            await("the killed capture's slot released")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> !slotActive(scenario));

            try (PostgresChangeCapture again = scenario.capture().build()) {
                again.start();
                writer.stop();
                scenario.awaitConverged(Duration.ofSeconds(60));
                CaptureCounts counts = again.counts();
                assertThat(counts.applied()).as("changes after the kill").isPositive();
                assertThat(counts.applied() + counts.superseded() + counts.duplicate())
                        .isEqualTo(counts.captured());
            }
        } finally {
            child.close();
        }
    }

    private static boolean slotActive(Scenario scenario) throws Exception {
        try (Connection c = scenario.source.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, scenario.name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static long count(Scenario scenario, String sql) throws Exception {
        try (Connection c = scenario.targetSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
