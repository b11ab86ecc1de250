package dev.cutover.journal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A small fixed-size connection pool for tests that also checks its borrowers: every connection
 * is lent with the same auto-commit mode and must come back in it; {@link #outstanding()} counts
 * connections not yet returned. Like production pools it rolls back on return when auto-commit is
 * off, so work a borrower forgot to commit is lost, as it would be in production.
 */
final class TestPool implements DataSource, AutoCloseable {
    private final DataSource target;
    private final int size;
    private final boolean lendAutoCommit;
    private final BlockingQueue<Connection> idle = new LinkedBlockingQueue<>();
    private final List<Connection> all = new CopyOnWriteArrayList<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger borrows = new AtomicInteger();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    TestPool(DataSource target, int size, boolean lendAutoCommit) {
        this.target = target;
        this.size = size;
        this.lendAutoCommit = lendAutoCommit;
    }

    /** Connections lent and not yet closed. */
    int outstanding() {
        return outstanding.get();
    }

    /** Connections lent so far. */
    int borrows() {
        return borrows.get();
    }

    /** Connections that came back changed, described; empty when all came back as lent. */
    List<String> problems() {
        return new ArrayList<>(problems);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection physical = idle.poll();
        if (physical == null) {
            synchronized (all) {
                if (all.size() < size) {
                    physical = target.getConnection();
                    physical.setAutoCommit(lendAutoCommit);
                    all.add(physical);
                }
            }
        }
        if (physical == null) {
            try {
                physical = idle.poll(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for a connection", e);
            }
            if (physical == null) {
                throw new SQLException("no connection free within 30 s: " + outstanding() + " not returned");
            }
        }
        outstanding.incrementAndGet();
        borrows.incrementAndGet();
        return lease(physical);
    }

    private Connection lease(Connection physical) {
        AtomicBoolean closed = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            if (closed.compareAndSet(false, true)) {
                                giveBack(physical);
                            }
                            return null;
                        case "isClosed":
                            return closed.get();
                        default:
                            if (closed.get()) {
                                throw new SQLException("connection used after close(): " + method.getName());
                            }
                            return invoke(physical, method, args);
                    }
                });
    }

    private void giveBack(Connection physical) throws SQLException {
        try {
            if (physical.getAutoCommit() != lendAutoCommit) {
                problems.add("returned with auto-commit " + physical.getAutoCommit() + ", lent with " + lendAutoCommit);
                physical.setAutoCommit(lendAutoCommit);
            }
            if (!lendAutoCommit) {
                physical.rollback();
            }
        } finally {
            outstanding.decrementAndGet();
            idle.add(physical);
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Closes every physical connection. */
    @Override
    public void close() throws SQLException {
        for (Connection c : all) {
            c.close();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("a pool lends its own user's connections");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper of " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
