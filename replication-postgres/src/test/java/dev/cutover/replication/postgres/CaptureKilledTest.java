package dev.cutover.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A capture in another JVM killed with {@code kill -9} mid-stream: a capture started again resumes
 * from the stored offset and the target converges; nothing is lost.
 */
class CaptureKilledTest {

    @Test
    void aCaptureKilledMidStreamResumesFromItsStoredOffset() throws Exception {
        Scenario scenario = Scenario.create("killed");
        Process child = startChild(scenario);
        List<String> output = new ArrayList<>();
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> read(child, output, streaming));
        try {
            assertThat(streaming.await(120, TimeUnit.SECONDS))
                    .as("child capture streaming: %s", output)
                    .isTrue();
            Scenario.Writer writer = scenario.writer(new Random(23), 80);
            await("the child applied changes")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> count(scenario, "SELECT count(*) FROM items_v2") >= 40);

            Process kill = new ProcessBuilder("kill", "-9", Long.toString(child.pid()))
                    .inheritIO()
                    .start();
            assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0)
                    .as("kill -9")
                    .isTrue();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);
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
            child.destroyForcibly();
            reader.get(30, TimeUnit.SECONDS);
        }
    }

    private static Process startChild(Scenario scenario) throws IOException {
        String targetUrl = LogicalPostgres.jdbcUrl(scenario.targetDatabase);
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CaptureProcess.class.getName(),
                LogicalPostgres.jdbcUrl(scenario.sourceDatabase),
                targetUrl,
                scenario.name);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        return p;
    }

    private static void read(Process p, List<String> lines, CountDownLatch streaming) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                }
                if (line.contains(CaptureProcess.STREAMING)) {
                    streaming.countDown();
                }
            }
        } catch (IOException e) {
            // the process was killed
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
