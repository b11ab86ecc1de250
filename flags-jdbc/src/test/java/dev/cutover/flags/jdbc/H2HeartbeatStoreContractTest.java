package dev.cutover.flags.jdbc;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** The heartbeat store contract on H2. */
class H2HeartbeatStoreContractTest extends JdbcHeartbeatStoreContract {
    private static final JdbcDataSource H2 = new JdbcDataSource();

    static {
        H2.setURL("jdbc:h2:mem:heartbeats;DB_CLOSE_DELAY=-1");
    }

    @Override
    protected DataSource dataSource() {
        return H2;
    }
}
