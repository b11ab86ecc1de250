package dev.cutover.benchmarks.flip;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that counts, for one service instance, the connections it opens and the
 * statements executed on them, by kind. Connections and statements are {@link Proxy} wrappers that
 * delegate every call, so {@code unwrap(PGConnection.class)} still reaches the driver's connection.
 *
 * <p>Counted are the statements {@code JdbcFlagStore} itself executes ({@code execute*} calls);
 * statements the driver issues on its own, such as the {@code SET SESSION CHARACTERISTICS} behind
 * {@code setTransactionIsolation}, are not seen here (PostgreSQL's own counters see them).
 */
final class CountingDataSource implements DataSource {

    /** What a statement did, from its SQL and the connection's auto-commit mode. */
    enum Kind {
        /** The revision read on an auto-commit connection: {@code headRevision()}. */
        HEAD,
        /** The revision read inside a transaction: the first statement of {@code load()}. */
        LOAD_REVISION,
        /** The flags read of {@code load()}. */
        LOAD_FLAGS,
        /** {@code LISTEN} on the push connection. */
        LISTEN,
        /** {@code SELECT 1}: the push connection's periodic liveness check. */
        KEEPALIVE,
        /** A statement on the heartbeat table: an instance's heartbeat, or the operator's fleet read. */
        HEARTBEAT,
        /** Anything else (writes, schema). */
        OTHER
    }

    /** A point-in-time copy of the counters. */
    record Counts(long connections, long[] statements) implements Tally<Counts> {
        long of(Kind kind) {
            return statements[kind.ordinal()];
        }

        /** Every statement executed, of every kind. */
        long totalStatements() {
            long sum = 0;
            for (long n : statements) {
                sum += n;
            }
            return sum;
        }

        @Override
        public Counts minus(Counts earlier) {
            long[] d = new long[statements.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = statements[i] - earlier.statements[i];
            }
            return new Counts(connections - earlier.connections, d);
        }

        @Override
        public Counts plus(Counts other) {
            long[] d = new long[statements.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = statements[i] + other.statements[i];
            }
            return new Counts(connections + other.connections, d);
        }

        static Counts zero() {
            return new Counts(0, new long[Kind.values().length]);
        }
    }

    private static final Class<?>[] CONNECTION = {Connection.class};
    private static final Class<?>[] STATEMENT = {Statement.class};
    private static final Class<?>[] PREPARED = {PreparedStatement.class};

    private final DataSource delegate;
    private final String revisionTable;
    private final String flagsTable;
    private final String heartbeatTable;
    private final AtomicLongArray statements = new AtomicLongArray(Kind.values().length);
    private final AtomicLong connections = new AtomicLong();

    /**
     * @param delegate the real data source
     * @param tablePrefix the store's table prefix, to recognise its reads
     */
    CountingDataSource(DataSource delegate, String tablePrefix) {
        this.delegate = delegate;
        this.revisionTable = tablePrefix + "revision";
        this.flagsTable = tablePrefix + "flags";
        this.heartbeatTable = tablePrefix + "instances";
    }

    /** The counters now. */
    Counts counts() {
        long[] s = new long[statements.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = statements.get(i);
        }
        return new Counts(connections.get(), s);
    }

    /** How many {@code LISTEN} statements were executed: at least one once push is connected. */
    long listens() {
        return statements.get(Kind.LISTEN.ordinal());
    }

    /**
     * Sorts a statement by its SQL: reads of the revision table (not {@code FOR UPDATE}) are head
     * checks on an auto-commit connection and the first half of a load in a transaction; a read of
     * the whole flags table is the second half of a load.
     */
    Kind classify(String sql, boolean autoCommit) {
        String s = sql.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("listen")) {
            return Kind.LISTEN;
        }
        if (s.equals("select 1")) {
            return Kind.KEEPALIVE;
        }
        if (s.contains(heartbeatTable)) {
            return Kind.HEARTBEAT;
        }
        if (s.startsWith("select") && s.contains(revisionTable) && !s.contains("for update")) {
            return autoCommit ? Kind.HEAD : Kind.LOAD_REVISION;
        }
        if (s.startsWith("select") && s.contains(flagsTable) && !s.contains("where")) {
            return Kind.LOAD_FLAGS;
        }
        return Kind.OTHER;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(delegate.getConnection(username, password));
    }

    private Connection wrap(Connection real) {
        connections.incrementAndGet();
        return (Connection) Proxy.newProxyInstance(
                CountingDataSource.class.getClassLoader(), CONNECTION, new ConnectionHandler(real));
    }

    private final class ConnectionHandler implements InvocationHandler {
        private final Connection real;

        ConnectionHandler(Connection real) {
            this.real = real;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object result = delegate(real, method, args);
            switch (method.getName()) {
                case "createStatement":
                    return Proxy.newProxyInstance(
                            CountingDataSource.class.getClassLoader(),
                            STATEMENT,
                            new StatementHandler(real, (Statement) result, null));
                case "prepareStatement":
                    return Proxy.newProxyInstance(
                            CountingDataSource.class.getClassLoader(),
                            PREPARED,
                            new StatementHandler(real, (Statement) result, (String) args[0]));
                default:
                    return result;
            }
        }
    }

    private final class StatementHandler implements InvocationHandler {
        private final Connection connection;
        private final Statement real;
        private final String preparedSql;

        StatementHandler(Connection connection, Statement real, String preparedSql) {
            this.connection = connection;
            this.real = real;
            this.preparedSql = preparedSql;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().startsWith("execute")) {
                String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql;
                Kind kind = sql == null ? Kind.OTHER : classify(sql, connection.getAutoCommit());
                statements.incrementAndGet(kind.ordinal());
            }
            return delegate(real, method, args);
        }
    }

    private static Object delegate(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
