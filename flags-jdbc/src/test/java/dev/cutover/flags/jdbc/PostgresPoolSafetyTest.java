package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** What a production pool needs from the store, on a real PostgreSQL. */
class PostgresPoolSafetyTest {
    private static final AuditInfo AUDIT = new AuditInfo("ops", "pool safety");

    /** A minimal pool: close() hands the physical connection back for the next borrower. */
    static final class TinyPool {
        final ConcurrentLinkedDeque<Connection> free = new ConcurrentLinkedDeque<>();
        final List<Connection> all = new ArrayList<>();
        final DataSource dataSource;

        TinyPool(DataSource physical, int isolation) {
            this.dataSource = (DataSource) Proxy.newProxyInstance(
                    DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                        if (!m.getName().equals("getConnection")) {
                            throw new UnsupportedOperationException(m.getName());
                        }
                        Connection c = free.pollFirst();
                        if (c == null) {
                            c = physical.getConnection();
                            c.setTransactionIsolation(isolation);
                            synchronized (all) {
                                all.add(c);
                            }
                        }
                        Connection lent = c;
                        return Proxy.newProxyInstance(
                                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (p2, m2, a2) -> {
                                    if (m2.getName().equals("close")) {
                                        free.addFirst(lent);
                                        return null;
                                    }
                                    try {
                                        return m2.invoke(lent, a2);
                                    } catch (InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                });
                    });
        }
    }

    @Test
    void instancesCreatingTheSchemaAtOnceAllSucceed() throws Exception {
        TestDatabase db = EmbeddedPostgresServer.get().createDatabase("schema_race");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    JdbcFlagStore.builder(db.dataSource()).build().createSchemaIfMissing();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(JdbcFlagStore.builder(db.dataSource()).build().headRevision())
                .isZero();
    }

    @Test
    void concurrentWritersSucceedOnASerializablePool() throws Exception {
        TestDatabase db = EmbeddedPostgresServer.get().createDatabase("serializable");
        TinyPool tiny = new TinyPool(db.dataSource(), Connection.TRANSACTION_SERIALIZABLE);
        JdbcFlagStore store = JdbcFlagStore.builder(tiny.dataSource).build();
        store.createSchemaIfMissing();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String key = "writer." + i;
                results.add(pool.submit(() -> {
                    start.await();
                    store.put(Flag.booleanFlag(key, true), 0, AUDIT);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.headRevision()).isEqualTo(8);
        for (Connection c : tiny.all) {
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    @Test
    void theListenConnectionGoesBackToThePoolNoLongerListening() throws Exception {
        TestDatabase db = EmbeddedPostgresServer.get().createDatabase("listen_pool");
        TinyPool tiny = new TinyPool(db.dataSource(), Connection.TRANSACTION_READ_COMMITTED);
        JdbcFlagStore store = JdbcFlagStore.builder(tiny.dataSource).build();
        store.createSchemaIfMissing();
        try (FlagClient client =
                FlagClient.builder(store).pollInterval(Duration.ofHours(1)).build()) {
            assertThat(client.status().hasData()).isTrue();
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (listening(tiny) == 0) {
                assertThat(System.nanoTime()).as("LISTEN within 10 s").isLessThan(end);
                LockSupport.parkNanos(10_000_000L);
            }
        }
        store.close();
        assertThat(tiny.free).hasSameSizeAs(tiny.all);
        assertThat(listening(tiny)).as("pooled connections still listening").isZero();
    }

    private static int listening(TinyPool tiny) throws Exception {
        int n = 0;
        List<Connection> snapshot;
        synchronized (tiny.all) {
            snapshot = List.copyOf(tiny.all);
        }
        for (Connection c : snapshot) {
            if (!tiny.free.contains(c)) {
                n++; // checked out: the listener holds it
                continue;
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_listening_channels()")) {
                rs.next();
                n += rs.getInt(1);
            }
        }
        return n;
    }
}
