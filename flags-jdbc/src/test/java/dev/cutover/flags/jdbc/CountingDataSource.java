package dev.cutover.flags.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Wraps a data source and records every SQL statement executed through it, and every connection. */
final class CountingDataSource {
    final List<String> statements = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final DataSource dataSource;

    CountingDataSource(DataSource target) {
        this.dataSource = proxy(DataSource.class, target, (method, result, args) -> {
            if (method.getName().equals("getConnection")) {
                connections.incrementAndGet();
                return proxy(Connection.class, (Connection) result, this::connectionCall);
            }
            return result;
        });
    }

    private Object connectionCall(Method method, Object result, Object[] args) {
        if (method.getName().equals("prepareStatement")) {
            String sql = (String) args[0];
            return proxy(PreparedStatement.class, (PreparedStatement) result, (m, r, a) -> {
                if (m.getName().startsWith("execute")) {
                    statements.add(sql);
                }
                return r;
            });
        }
        if (method.getName().equals("createStatement")) {
            return proxy(Statement.class, (Statement) result, (m, r, a) -> {
                if (m.getName().startsWith("execute") && a != null && a.length > 0 && a[0] instanceof String s) {
                    statements.add(s);
                }
                return r;
            });
        }
        return result;
    }

    /** Post-processes the result of each call on the proxied object. */
    @FunctionalInterface
    private interface After {
        Object apply(Method method, Object result, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, T target, After after) {
        InvocationHandler handler = (p, method, args) -> {
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                return method.invoke(target, args);
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return after.apply(method, result, args);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
