package dev.cutover.replication.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that logs the first word of every prepared statement it executes ({@code INSERT},
 * {@code WITH}, {@code SELECT}, with {@code INSERT ... ON CONFLICT} logged as {@code UPSERT}), and
 * runs a hook armed with {@link #armOnce} once, just before the next statement whose SQL matches
 * is executed: another writer, racing a statement of the target at a chosen moment.
 */
final class RacingDataSource implements DataSource {
    /** The racing writer. */
    @FunctionalInterface
    interface Hook {
        void run() throws Exception;
    }

    private record Armed(Predicate<String> trigger, Hook hook) {}

    private final DataSource target;
    private final List<String> log = new ArrayList<>();
    private final AtomicReference<Armed> armed = new AtomicReference<>();

    RacingDataSource(DataSource target) {
        this.target = target;
    }

    /** Runs {@code hook} before the next statement whose SQL matches {@code trigger} executes. */
    void armOnce(Predicate<String> trigger, Hook hook) {
        armed.set(new Armed(trigger, hook));
    }

    /** Whether the hook armed last has run. */
    boolean fired() {
        return armed.get() == null;
    }

    /** The statements executed since the last call, and clears the log. */
    synchronized List<String> drain() {
        List<String> copy = List.copyOf(log);
        log.clear();
        return copy;
    }

    private synchronized void record(String sql) {
        log.add(sql.contains("ON CONFLICT") ? "UPSERT" : sql.substring(0, sql.indexOf(' ')));
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = target.getConnection();
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result = invoke(c, method, args);
                    if (method.getName().equals("prepareStatement")) {
                        return statement((PreparedStatement) result, (String) args[0]);
                    }
                    return result;
                });
    }

    private PreparedStatement statement(PreparedStatement ps, String sql) {
        return (PreparedStatement) Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("execute")) {
                        record(sql);
                        Armed a = armed.get();
                        if (a != null && a.trigger().test(sql) && armed.compareAndSet(a, null)) {
                            a.hook().run();
                        }
                    }
                    return invoke(ps, method, args);
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
