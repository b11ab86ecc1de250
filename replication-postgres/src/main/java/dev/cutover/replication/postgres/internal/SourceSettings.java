package dev.cutover.replication.postgres.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the source database is, from a {@code jdbc:postgresql://host[:port]/database} URL: the
 * form both pgjdbc (for the checks) and Debezium (host, port, database) can use.
 */
public record SourceSettings(String jdbcUrl, String host, int port, String database, String user, String password) {
    private static final Pattern URL =
            Pattern.compile("jdbc:postgresql://([^/:?]+|\\[[^]]+])(?::(\\d{1,5}))?/([^/?]+)(\\?.*)?");

    public SourceSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /**
     * Parses {@code jdbcUrl}.
     *
     * @throws IllegalArgumentException naming the URL when it is not {@code
     *     jdbc:postgresql://host[:port]/database[?...]} (one host: a capture follows one server)
     */
    public static SourceSettings parse(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "source must be a URL jdbc:postgresql://host[:port]/database of one server but was '" + jdbcUrl
                            + "'");
        }
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port of source '" + jdbcUrl + "' must be 1 to 65535 but was " + port);
        }
        if (user.isBlank()) {
            throw new IllegalArgumentException("user of source '" + jdbcUrl + "' must not be blank");
        }
        return new SourceSettings(jdbcUrl, m.group(1), port, m.group(3), user, password);
    }

    /** A new connection as the capture's user. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "cutover-capture-check");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /** {@code host:port/database}, for messages and the checkpoint's stream name (no credentials). */
    public String describe() {
        return host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "SourceSettings[" + describe() + ", user=" + user + "]";
    }
}
