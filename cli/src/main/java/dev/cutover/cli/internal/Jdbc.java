package dev.cutover.cli.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Opens a JDBC data source from command-line options, checking the URL before any connection. */
final class Jdbc {
    private Jdbc() {}

    /**
     * A data source on {@code url}; a URL that no driver in the jar accepts is a usage error naming
     * the option, the value and the supported databases. Opens one connection to fail early when the
     * database cannot be reached.
     */
    static DataSource open(Settings.Value url, @Nullable String user, @Nullable String password) {
        check(url);
        SimpleDataSource ds = new SimpleDataSource(url.value(), user, password);
        reachable(url, ds);
        return ds;
    }

    /**
     * {@link #open} as a pool of up to {@code maxConnections}, for long commands (backfill,
     * reconcile) that would otherwise open a connection per page: connections are opened when
     * needed, kept for reuse, and closed with the pool. The caller closes it.
     */
    static HikariDataSource pool(
            Settings.Value url, @Nullable String user, @Nullable String password, String name, int maxConnections) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(open(url, user, password)); // fails at once, naming the option, when unreachable
        config.setPoolName("cutover-" + name);
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    private static void reachable(Settings.Value url, DataSource ds) {
        try (Connection c = ds.getConnection()) {
            c.getMetaData(); // reachable, credentials accepted
        } catch (SQLException e) {
            throw new CliException(
                    Exit.FAILED,
                    url.option(),
                    "cannot connect to " + redact(url.value()) + " (" + url.origin() + "): " + Errors.describe(e)
                            + "; nothing was written");
        }
    }

    /** Checks that a driver in the jar accepts the URL, without connecting. */
    static void check(Settings.Value url) {
        if (!acceptedByADriver(url.value())) {
            throw CliException.usage(
                    url.option(),
                    "Invalid value for " + url.origin() + ": " + CliException.shown(redact(url.value()))
                            + " is not a JDBC URL of a supported database; expected jdbc:postgresql://...,"
                            + " jdbc:mysql://..., jdbc:mariadb://... or jdbc:h2:...");
        }
    }

    private static boolean acceptedByADriver(String url) {
        List<Driver> drivers = new ArrayList<>(Collections.list(DriverManager.getDrivers()));
        for (Driver d : drivers) {
            try {
                if (d.acceptsURL(url)) {
                    return true;
                }
            } catch (SQLException e) {
                // this driver cannot tell; try the next
            }
        }
        return false;
    }

    /** The URL without a password parameter, for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
