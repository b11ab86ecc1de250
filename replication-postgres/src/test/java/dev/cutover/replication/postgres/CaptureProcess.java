package dev.cutover.replication.postgres;

import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A capture in a JVM of its own, for {@link CaptureKilledTest}: captures {@code items} of the
 * source database into {@code items_v2} of the target database, prints {@value #STREAMING} once
 * streaming, and runs until the process is killed.
 *
 * <p>Arguments: the source JDBC URL, the target JDBC URL, the capture's name.
 */
public final class CaptureProcess {
    static final String STREAMING = "CAPTURE STREAMING";

    private CaptureProcess() {}

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource target = new PGSimpleDataSource();
        target.setURL(args[1]);
        target.setUser(LogicalPostgres.USER);
        JdbcVersionedTarget items =
                JdbcVersionedTarget.builder(target).table("items_v2").build();
        PostgresChangeCapture capture = PostgresChangeCapture.builder(args[0], LogicalPostgres.USER, "")
                .name(args[2])
                .table(TableMapping.table(Scenario.TABLE).key("id"))
                .checkpoints(PostgresShardCheckpointStore.builder(target).build())
                .into(items)
                .lease(Duration.ofSeconds(5))
                .batchSize(20)
                .build();
        capture.start();
        System.out.println(STREAMING);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
