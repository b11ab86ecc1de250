package dev.cutover.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.replication.postgres.internal.OffsetToken;
import dev.cutover.replication.spi.ShardCheckpointStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A capture stopped and started again resumes from its stored offset: nothing lost, repeats end DUPLICATE. */
class CaptureRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stoppedMidStreamItResumesAndConverges() throws Exception {
        Scenario scenario = Scenario.create("restart_mid");
        PostgresChangeCapture first = scenario.capture().build();
        first.start();
        Scenario.Writer writer = scenario.writer(new Random(5), 60);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.counts().applied() >= 100);
        first.close(); // while the writer goes on
        CaptureCounts before = first.counts();
        assertThat(first.isRunning()).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.rowChanges() >= before.captured() + 100);

        try (PostgresChangeCapture second = scenario.capture().build()) {
            second.start();
            writer.stop();
            scenario.awaitConverged(Duration.ofSeconds(60));
            CaptureCounts after = second.counts();
            assertThat(after.applied()).as("changes written while stopped").isPositive();
            await("every row change captured at least once")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> before.captured() + second.counts().captured() >= scenario.rowChanges());
            assertThat(after.applied() + after.superseded() + after.duplicate()).isEqualTo(after.captured());
        }
    }

    @Test
    void changesAppliedAfterTheLastStoredOffsetComeAgainAndEndDuplicate() throws Exception {
        Scenario scenario = Scenario.create("restart_dup");
        FreezableCheckpoints checkpoints = new FreezableCheckpoints(scenario.checkpoints);
        PostgresChangeCapture first =
                scenario.capture().checkpoints(checkpoints).build();
        first.start();
        // A: history applied and its offset stored, up to a one-statement marker transaction
        scenario.randomTransactions(new Random(9), 40, 3, 30);
        long marker = markerTransaction(scenario);
        await().atMost(Duration.ofSeconds(30)).until(() -> storedTransaction(scenario, first) >= marker);
        checkpoints.freeze();
        String storedBeforeB = storedToken(scenario, first);

        // B: 50 new keys, each inserted once: applied, but the stored offset stays before them
        List<String> inserts = new ArrayList<>();
        for (int k = 1_001; k <= 1_050; k++) {
            inserts.add("INSERT INTO items (id, name) VALUES (" + k + ", 'b" + k + "')");
        }
        for (int i = 0; i < inserts.size(); i += 10) {
            scenario.transaction(inserts.subList(i, i + 10));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> scenario.target.read("1050").isPresent());
        CaptureCounts firstCounts = first.counts();
        first.close();
        assertThat(storedToken(scenario, first))
                .as("no offset stored after the freeze")
                .isEqualTo(storedBeforeB);

        // C, while stopped: 20 more keys and updates of 10 of B's
        List<String> more = new ArrayList<>();
        for (int k = 2_001; k <= 2_020; k++) {
            more.add("INSERT INTO items (id, name) VALUES (" + k + ", 'c" + k + "')");
        }
        for (int k = 1_001; k <= 1_010; k++) {
            more.add("UPDATE items SET name = 'c" + k + "' WHERE id = " + k);
        }
        scenario.transaction(more);

        try (PostgresChangeCapture second = scenario.capture().build()) {
            second.start();
            scenario.awaitConverged(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).until(() -> second.counts().captured() >= 80);
            CaptureCounts counts = second.counts();
            assertThat(counts.duplicate())
                    .as("B, delivered again with the same versions")
                    .isEqualTo(50);
            assertThat(counts.applied()).as("C").isEqualTo(30);
            assertThat(counts.superseded()).isZero();
            assertThat(counts.captured()).isEqualTo(80);
            assertThat(firstCounts.applied()).isGreaterThanOrEqualTo(50);
        }
    }

    /** Inserts key 999 in a transaction of its own; returns its transaction id. */
    private static long markerTransaction(Scenario scenario) throws Exception {
        try (Connection c = scenario.source.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "INSERT INTO items (id, name) VALUES (999, 'marker') RETURNING txid_current()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String storedToken(Scenario scenario, PostgresChangeCapture capture) throws Exception {
        ShardCheckpointStore.Shard shard =
                new ShardCheckpointStore.Shard(capture.name(), "postgresql://" + capture.describe(), capture.slot());
        String token = scenario.checkpoints.read(shard).orElseThrow().sequenceNumber();
        return token == null ? "" : token;
    }

    /** The {@code txId} of the capture's stored Debezium offset, 0 when none. */
    private static long storedTransaction(Scenario scenario, PostgresChangeCapture capture) throws Exception {
        String token = storedToken(scenario, capture);
        if (token.isEmpty()) {
            return 0;
        }
        long max = 0;
        for (ByteBuffer value : OffsetToken.decode(token).offsets().values()) {
            JsonNode offset = JSON.readTree(
                    StandardCharsets.UTF_8.decode(value.duplicate()).toString());
            max = Math.max(max, offset.path("txId").asLong());
        }
        return max;
    }
}
