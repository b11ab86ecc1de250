package dev.cutover.jdbc;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A data source whose connections only report a product name, for detection tests; counts the
 * connections opened and closed. Any other call fails.
 */
public final class FakeDatabase {
    public final AtomicInteger opened = new AtomicInteger();
    public final AtomicInteger closed = new AtomicInteger();
    public final DataSource dataSource;

    public FakeDatabase(String product) {
        DatabaseMetaData meta = proxy(DatabaseMetaData.class, method -> {
            if (method.equals("getDatabaseProductName")) {
                return product;
            }
            throw new UnsupportedOperationException(method);
        });
        Connection connection = proxy(Connection.class, method -> {
            switch (method) {
                case "getMetaData":
                    return meta;
                case "close":
                    closed.incrementAndGet();
                    return null;
                default:
                    throw new UnsupportedOperationException(method);
            }
        });
        dataSource = proxy(DataSource.class, method -> {
            if (method.equals("getConnection")) {
                opened.incrementAndGet();
                return connection;
            }
            throw new UnsupportedOperationException(method);
        });
    }

    @FunctionalInterface
    private interface Handler {
        Object call(String method);
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> handler.call(m.getName())));
    }
}
