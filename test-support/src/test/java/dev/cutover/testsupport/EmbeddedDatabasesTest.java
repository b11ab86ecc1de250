package dev.cutover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded databases start, take SQL, and (PostgreSQL, MariaDB) survive stop/start. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedDatabasesTest {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabasesTest.class);

    @Test
    void h2InMemoryTakesSql() throws SQLException {
        TestDatabase db = H2Databases.createDatabase("EmbeddedDatabasesTest");
        assertSelectOne(db.dataSource());
        assertRoundTrip(db.dataSource(), "h2 é ✓");
        // the same name is the same database, also after every connection was closed
        assertThat(readAll(H2Databases.inMemory(db.name()))).containsExactly("h2 é ✓");
    }

    @Test
    void postgresTakesSql() throws SQLException {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
        assertSelectOne(pg.dataSource());
        TestDatabase db = pg.createDatabase("EmbeddedDatabasesTest");
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:" + pg.port() + "/" + db.name());
        assertRoundTrip(db.dataSource(), "pg é ✓");
        try (Connection c = pg.superuserConnection(db.name());
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(EmbeddedPostgresServer.SUPERUSER);
            assertThat(rs.getBoolean(2)).isTrue();
        }
    }

    /** As root, the server runs either in zonky's user namespace or, without one, as nobody via our wrapper. */
    @Test
    void postgresDoesNotNeedRootPrivileges() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
        Object hostUid;
        try (Connection c = pg.superuserConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            // read while the connection, and so its backend process, is open
            hostUid = Files.getAttribute(Path.of("/proc", Long.toString(rs.getLong(1))), "unix:uid");
        }
        boolean unshare = LinuxUtils.isUnshareAvailable();
        LOG.info("PostgreSQL backend runs as host uid {} (zonky unshare -U available: {})", hostUid, unshare);
        if (EmbeddedDbWorkspace.runningAsRoot() && !unshare) {
            assertThat(hostUid).isEqualTo(EmbeddedDbWorkspace.NOBODY);
        }
    }

    @Test
    void postgresListenNotify() throws SQLException {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
        try (Connection listener = pg.superuserConnection();
                Connection notifier = pg.superuserConnection()) {
            try (Statement s = listener.createStatement()) {
                s.execute("LISTEN cutover_test");
            }
            try (Statement s = notifier.createStatement()) {
                s.execute("NOTIFY cutover_test, 'flag-changed'");
            }
            PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(notifications).isNotNull().hasSize(1);
            assertThat(notifications[0].getName()).isEqualTo("cutover_test");
            assertThat(notifications[0].getParameter()).isEqualTo("flag-changed");
        }
    }

    @Test
    void postgresStopStartKeepsDataAndPort() throws SQLException {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
        TestDatabase db = pg.createDatabase("EmbeddedDatabasesTest restart");
        assertRoundTrip(db.dataSource(), "before restart");
        int port = pg.port();

        try (Connection open = db.connect()) {
            pg.stop();
            assertThat(pg.isRunning()).isFalse();
            assertThatThrownBy(() -> open.createStatement().executeQuery("SELECT 1"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);
        } finally {
            pg.start();
        }
        LOG.info("PostgreSQL restarted in {} ms", pg.lastStartDuration().toMillis());
        assertThat(pg.isRunning()).isTrue();
        assertThat(pg.port()).isEqualTo(port);
        assertThat(readAll(db.dataSource())).containsExactly("before restart");
    }

    @Test
    void mariaDbTakesSql() throws SQLException {
        EmbeddedMariaDb maria = EmbeddedMariaDb.get();
        assertSelectOne(maria.dataSource());
        TestDatabase db = maria.createDatabase("EmbeddedDatabasesTest");
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:" + maria.port() + "/" + db.name());
        assertRoundTrip(db.dataSource(), "maria é ✓");
        try (Connection c = maria.rootConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT @@character_set_server, @@time_zone")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("utf8mb4");
            assertThat(rs.getString(2)).isEqualTo("+00:00");
        }
    }

    @Test
    void mariaDbStopStartKeepsData() throws SQLException {
        EmbeddedMariaDb maria = EmbeddedMariaDb.get();
        TestDatabase db = maria.createDatabase("EmbeddedDatabasesTest restart");
        assertRoundTrip(db.dataSource(), "before restart");
        try {
            maria.stop();
            assertThat(maria.isRunning()).isFalse();
            assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);
        } finally {
            maria.start();
        }
        LOG.info("MariaDB restarted in {} ms", maria.lastStartDuration().toMillis());
        assertThat(readAll(db.dataSource())).containsExactly("before restart");
    }

    /** The wrapper used when zonky cannot use {@code unshare -U}: as root it runs the real binary as nobody. */
    @Test
    void rootWrapperRunsRealBinaryAsNobody() throws IOException, InterruptedException {
        assumeTrue(EmbeddedDbWorkspace.runningAsRoot(), "only meaningful as root");
        Path bin = Files.createTempDirectory(EmbeddedDbWorkspace.runDirectory(), "wrapper-");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path wrapper = bin.resolve("initdb");
        Path real = bin.resolve("initdb.real");
        Files.writeString(wrapper, RootSafePgBinaryResolver.WRAPPER, StandardCharsets.UTF_8);
        Files.writeString(real, "#!/bin/sh\necho \"$(id -u):$(id -g):$(id -G) $*\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = bin.resolve("data dir");

        Process p = new ProcessBuilder(wrapper.toString(), "-A", "trust", "-D", data.toString(), "-E", "UTF-8")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();

        String nobody = String.valueOf(EmbeddedDbWorkspace.NOBODY);
        assertThat(out).isEqualTo(nobody + ":" + nobody + ":" + nobody + " -A trust -D " + data + " -E UTF-8");
        assertThat(Files.getAttribute(data, "unix:uid")).isEqualTo(EmbeddedDbWorkspace.NOBODY);
    }

    private static void assertSelectOne(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    private static void assertRoundTrip(DataSource ds, String value) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE probe (id INT PRIMARY KEY, val VARCHAR(100) NOT NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO probe (id, val) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, value);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        assertThat(readAll(ds)).containsExactly(value);
    }

    private static List<String> readAll(DataSource ds) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = ds.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT val FROM probe ORDER BY id")) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
