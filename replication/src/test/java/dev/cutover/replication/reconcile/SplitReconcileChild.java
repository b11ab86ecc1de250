package dev.cutover.replication.reconcile;

import dev.cutover.replication.Change;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcRangeResultStore;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.SegmentedSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The process {@link SplitReconcileKilledTest} kills: a split reconciliation over two tables that
 * stops for good, holding its range, when it reaches the old side's segment {@code blockAt}, after
 * printing {@link #BLOCKED}. Arguments: JDBC URL, user, old table, new table, stores' name,
 * {@code blockAt}.
 */
public final class SplitReconcileChild {
    static final String BLOCKED = "SPLIT-RECONCILE-BLOCKED";
    static final int SEGMENTS = 8;
    static final int RANGES = 4;
    static final Duration LEASE = Duration.ofSeconds(2);

    private SplitReconcileChild() {}

    public static void main(String[] args) throws Exception {
        DataSource ds = dataSource(args[0], args[1]);
        SegmentedSource old = target(ds, args[2]);
        int blockAt = Integer.parseInt(args[5]);
        SegmentedSource stuck = new SegmentedSource() {
            @Override
            public int segments() {
                return old.segments();
            }

            @Override
            public String layout() {
                return old.layout();
            }

            @Override
            public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
                if (segment >= blockAt) {
                    System.out.println(BLOCKED);
                    System.out.flush();
                    new CountDownLatch(1).await(); // until killed
                }
                return old.readPage(segment, token, limit);
            }

            @Override
            public String describe() {
                return old.describe();
            }
        };
        reconciler(stuck, target(ds, args[3]))
                .split(
                        JdbcCheckpointStore.builder(ds, args[4]).build(),
                        JdbcRangeResultStore.builder(ds, args[4]).build())
                .ranges(RANGES)
                .owner("child")
                .lease(LEASE)
                .run();
        System.out.println("the child finished although it should have blocked");
        System.exit(3);
    }

    static DataSource dataSource(String url, String user) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user);
        return ds;
    }

    static JdbcVersionedTarget target(DataSource ds, String table) throws SQLException {
        return JdbcVersionedTarget.builder(ds).table(table).segments(SEGMENTS).build();
    }

    /** The reconciler both processes run: the same settings, as a split reconciliation needs. */
    static Reconciler reconciler(SegmentedSource old, SegmentedSource neu) {
        return Reconciler.between(old, neu).buckets(64).pageSize(16).build();
    }

    /** The old side's rows: 400 keys. */
    static List<Change> oldRows() {
        List<Change> rows = new ArrayList<>();
        for (int k = 0; k < 400; k++) {
            rows.add(Change.upsert("key-" + k, 1, Rows.payload("v" + k, k)));
        }
        return rows;
    }

    /** The new side's: a few missing, a few different, a few extra. */
    static List<Change> newRows() {
        List<Change> rows = new ArrayList<>();
        for (int k = 0; k < 400; k++) {
            if (k % 37 == 0) {
                continue; // missing
            }
            rows.add(Change.upsert("key-" + k, 1, Rows.payload("v" + k, k % 41 == 0 ? k + 1 : k)));
        }
        for (int k = 400; k < 410; k++) {
            rows.add(Change.upsert("key-" + k, 1, Rows.payload("v" + k, k))); // extra
        }
        return rows;
    }
}
