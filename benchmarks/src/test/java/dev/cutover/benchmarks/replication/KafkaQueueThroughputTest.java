package dev.cutover.benchmarks.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaQueueThroughput} in miniature (1,000 changes in batches of 100, one measured round):
 * every path runs to the end and moves every change (the program throws on a wrong count). No
 * timing is asserted.
 */
class KafkaQueueThroughputTest {

    @Test
    void everyPathMovesEveryChange() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KafkaQueueThroughput.Report report;
        try (PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            report = KafkaQueueThroughput.run(new KafkaQueueThroughput.Settings(1_000, 100, 0, 1), log);
        }
        assertThat(report.kafka().median()).isPositive();
        assertThat(report.inProcess().median()).isPositive();
        assertThat(report.plain().median()).isPositive();
        assertThat(report.sendPerSecond()).isPositive();
        assertThat(KafkaQueueThroughput.markdown(report))
                .contains("Kafka queue, versioned apply")
                .contains("plain consumer, plain insert");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("round 1 Kafka queue");
    }
}
