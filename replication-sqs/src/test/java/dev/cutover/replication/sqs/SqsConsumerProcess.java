package dev.cutover.replication.sqs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * A consumer process of the end-to-end test: a {@link Mirror} whose workers poll an {@link
 * SqsChangeQueue} and apply to a {@link JdbcVersionedTarget} on PostgreSQL, logging every apply
 * outcome. Prints {@code ready} once running; when its standard input closes, closes the mirror and
 * the queue, prints its counts and exits 0.
 *
 * <p>Arguments: SQS endpoint, queue URL, JDBC URL, database user, target table, outcome log file,
 * and optionally the number of logged outcomes after which the target stalls (see {@link
 * OutcomeLoggingTarget}).
 */
public final class SqsConsumerProcess {
    private SqsConsumerProcess() {}

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String queueUrl = args[1];
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(args[2]);
        pg.setUser(args[3]);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(pg);
        pool.setMaximumPoolSize(3);
        MirrorCounts m;
        SqsQueueCounts q;
        try (SqsAsyncClient client = ElasticMq.client(endpoint);
                HikariDataSource db = new HikariDataSource(pool);
                OutcomeLoggingTarget target = new OutcomeLoggingTarget(
                        JdbcVersionedTarget.builder(db).table(args[4]).build(),
                        Path.of(args[5]),
                        args.length > 6 ? Long.parseLong(args[6]) : Long.MAX_VALUE);
                SqsChangeQueue queue = SqsChangeQueue.builder(client, queueUrl)
                        .visibilityTimeout(Duration.ofSeconds(5))
                        .build()) {
            Mirror<Object> mirror = Mirror.to(target)
                    .mapping(e -> List.of())
                    .name("consumer")
                    .queue(queue)
                    .workers(2)
                    .batchSize(200)
                    .linger(Duration.ofMillis(20))
                    .build();
            System.out.println("ready " + ProcessHandle.current().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the test closes standard input
            }
            mirror.close(Duration.ofSeconds(30));
            m = mirror.counts();
            q = queue.counts();
        }
        System.out.println("counts applied=" + m.applied() + " superseded=" + m.superseded() + " duplicate="
                + m.duplicate() + " failed=" + m.failed() + " received=" + q.received() + " redelivered="
                + q.redelivered() + " acked=" + q.acked());
        System.out.flush();
        System.exit(0);
    }
}
