package dev.cutover.benchmarks.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.benchmarks.replication.SqsQueueThroughput.Report;
import dev.cutover.benchmarks.replication.SqsQueueThroughput.Settings;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SQS change-queue benchmark in miniature, on the same code path as the recorded run: 500
 * changes, 1 + 1 rounds. Proves that each path runs to the end and lands every change; no timing is
 * asserted.
 */
class SqsQueueThroughputTest {
    private static final int CHANGES = 500;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyPathLandsEveryChange() throws Exception {
        Report r = SqsQueueThroughput.run(new Settings(CHANGES, 100, 2, 1, 1), System.out);
        System.out.println(SqsQueueThroughput.markdown(r));

        assertThat(r.counts())
                .containsEntry("sqs versioned applied", (long) CHANGES)
                .containsEntry("sqs versioned rows", (long) CHANGES)
                .containsEntry("in-process versioned applied", (long) CHANGES)
                .containsEntry("in-process versioned rows", (long) CHANGES)
                .containsEntry("sqs plain inserted", (long) CHANGES)
                .containsEntry("sqs plain rows", (long) CHANGES);
        assertThat(r.sqsVersioned().median()).isPositive();
        assertThat(r.sqsPlain().median()).isPositive();
        assertThat(SqsQueueThroughput.markdown(r)).contains("Versioned over plain on SQS");
    }
}
