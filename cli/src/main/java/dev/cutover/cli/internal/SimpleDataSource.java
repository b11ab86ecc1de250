package dev.cutover.cli.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An unpooled {@link DataSource} over {@link DriverManager}: a command opens few connections, and
 * the drivers in the jar (PostgreSQL, MySQL/MariaDB, H2) register themselves.
 */
final class SimpleDataSource implements DataSource {
    private final String url;
    private final @Nullable String user;
    private final @Nullable String password;
    private volatile int loginTimeout;

    SimpleDataSource(String url, @Nullable String user, @Nullable String password) {
        this.url = Objects.requireNonNull(url, "url");
        this.user = blankToNull(user);
        this.password = blankToNull(password);
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }

    String url() {
        return url;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(url, props);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        return DriverManager.getConnection(url, username, pass);
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(@Nullable PrintWriter out) {}

    /**
     * Kept, not applied (the drivers take their own timeouts from the URL): a pool sets it, and waits
     * that long for its connection threads when it closes.
     */
    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
