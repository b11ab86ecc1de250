package dev.cutover.replication.postgres;

import dev.cutover.testsupport.RootSafePgBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Embedded PostgreSQL servers for the capture's tests. The repository's shared server runs with
 * the default {@code wal_level = replica}; these start their own (same zonky binaries, same
 * root-safe resolver) with the settings logical replication needs. One logical server per JVM,
 * started on first use and stopped by a shutdown hook; {@link #start(Map)} gives a server of its
 * own to a test that needs other settings (and closes it itself).
 */
final class LogicalPostgres {
    static final String USER = "postgres";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres shared;
    private static Duration sharedStart = Duration.ZERO;

    private LogicalPostgres() {}

    /** The logical server of this JVM: {@code wal_level = logical}, 20 slots and WAL senders. */
    static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            long started = System.nanoTime();
            shared = start(Map.of(
                    "wal_level", "logical",
                    "max_replication_slots", "20",
                    "max_wal_senders", "20"));
            sharedStart = Duration.ofNanos(System.nanoTime() - started);
            EmbeddedPostgres server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(server)));
        }
        return shared;
    }

    /** How long the shared server took to start (initdb included). */
    static synchronized Duration sharedStart() {
        return sharedStart;
    }

    /** A new server with {@code config} on top of the repository's usual settings. */
    static EmbeddedPostgres start(Map<String, String> config) {
        try {
            Path dir = Files.createTempDirectory("cutover-cdc-pg-");
            // PostgreSQL runs as nobody when the build is root: it must traverse the directory
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(RootSafePgBinaryResolver.INSTANCE)
                    .setDataDirectory(dir.resolve("data").toFile())
                    .setCleanDataDirectory(true)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("timezone", "UTC")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("unix_socket_directories", "")
                    .setLocaleConfig("locale", "C");
            config.forEach(builder::setServerConfig);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start with " + config, e);
        }
    }

    static void close(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh database on the shared logical server. */
    static String createDatabase(String hint) {
        return createDatabase(shared(), hint);
    }

    /** A fresh database on {@code server}. */
    static String createDatabase(EmbeddedPostgres server, String hint) {
        String name =
                hint.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_" + DATABASES.incrementAndGet();
        try (Connection c = server.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return name;
    }

    static String jdbcUrl(EmbeddedPostgres server, String database) {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database;
    }

    static String jdbcUrl(String database) {
        return jdbcUrl(shared(), database);
    }

    static DataSource dataSource(EmbeddedPostgres server, String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl(server, database));
        ds.setUser(USER);
        return ds;
    }

    static DataSource dataSource(String database) {
        return dataSource(shared(), database);
    }

    static void execute(DataSource ds, String... statements) {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("failed: " + String.join("; ", statements), e);
        }
    }
}
