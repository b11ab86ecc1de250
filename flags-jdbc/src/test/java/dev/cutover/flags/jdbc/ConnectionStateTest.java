package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** Connections go back to the pool as they were lent: auto-commit and isolation untouched. */
class ConnectionStateTest {

    @Test
    void readsWritesAndFailedWritesRestoreTheBorrowedConnection() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:connstate;DB_CLOSE_DELAY=-1");
        Connection shared = h2.getConnection();
        shared.setAutoCommit(true);
        shared.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        // a one-connection "pool": close() returns the connection instead of closing it
        Connection lent = (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> {
                    if (m.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return m.invoke(shared, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DataSource pool = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    if (m.getName().equals("getConnection")) {
                        return lent;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        JdbcFlagStore store =
                JdbcFlagStore.builder(pool).dialect(JdbcDialect.H2).build();
        store.createSchemaIfMissing();
        AuditInfo audit = new AuditInfo("ops", "state");
        store.put(Flag.booleanFlag("a", true), 0, audit);
        store.load();
        // the failed write must restore the connection too
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.put(Flag.booleanFlag("a", false), 0, audit))
                .isInstanceOf(FlagWriteConflictException.class);
        assertThat(shared.getAutoCommit()).isTrue();
        assertThat(shared.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
        assertThat(store.get("a").orElseThrow().version()).isEqualTo(1);
        shared.close();
    }
}
