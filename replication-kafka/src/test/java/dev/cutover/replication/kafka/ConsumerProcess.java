package dev.cutover.replication.kafka;

import dev.cutover.replication.Change;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One apply process of the end-to-end test, started in a JVM of its own: a mirror whose workers
 * poll a {@link KafkaChangeQueue} of the group and apply into the PostgreSQL table through {@link
 * JdbcVersionedTarget}. Every change it applied is written to its outcome log as {@code
 * key<TAB>version<TAB>kind<TAB>OUTCOME} once the apply returned and before the acknowledgement;
 * failures as {@code FAILED<TAB>key<TAB>reason}. It prints {@code READY} when it holds partitions,
 * and stops cleanly (closing the mirror and the queue) on a {@code stop} line or the end of its
 * standard input.
 *
 * <p>Arguments: bootstrap servers, topic, group, JDBC URL, table, outcome log.
 */
public final class ConsumerProcess {
    private ConsumerProcess() {}

    public static void main(String[] args) throws Exception {
        String servers = args[0];
        String topic = args[1];
        String group = args[2];
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[3]);
        ds.setUser("postgres");
        JdbcVersionedTarget target =
                JdbcVersionedTarget.builder(ds).table(args[4]).build();
        Path log = Path.of(args[5]);
        try (BufferedWriter out = Files.newBufferedWriter(
                        log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                KafkaChangeQueue queue = KafkaChangeQueue.builder(servers, topic)
                        .groupId(group)
                        .name("e2e-" + ProcessHandle.current().pid())
                        .consumerProperty("session.timeout.ms", 3000)
                        .consumerProperty("heartbeat.interval.ms", 500)
                        // seconds of applied changes uncommitted at any time: a kill leaves some to redeliver
                        .commitInterval(Duration.ofSeconds(5))
                        .closeTimeout(Duration.ofSeconds(20))
                        .build()) {
            OutcomeLog logged = new OutcomeLog(target, out);
            Mirror<Object> mirror = Mirror.to(logged)
                    .mapping((Object e) -> List.<Change>of())
                    .queue(queue)
                    .workers(2)
                    .batchSize(500)
                    .onFailure(f -> logged.write("FAILED\t" + f.key() + "\t" + f.reason() + "\n"))
                    .build();
            Thread ready = new Thread(() -> {
                while (queue.counts().partitions() == 0) {
                    LockSupport.parkNanos(10_000_000L); // a flag to print, not a test's wait
                }
                System.out.println("READY");
                System.out.flush();
            });
            ready.setDaemon(true);
            ready.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("stop"); ) {
                // wait for the stop line
            }
            mirror.close(Duration.ofSeconds(20));
        }
        System.out.println("STOPPED");
        System.out.flush();
    }
}
