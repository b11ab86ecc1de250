package dev.cutover.flags.jdbc;

import dev.cutover.testsupport.EmbeddedMariaDb;
import javax.sql.DataSource;

/** The heartbeat store contract on embedded MariaDB, started by the test. */
class MariaDbHeartbeatStoreContractTest extends JdbcHeartbeatStoreContract {
    private static final DataSource DATABASE =
            EmbeddedMariaDb.get().createDatabase("heartbeats").dataSource();

    @Override
    protected DataSource dataSource() {
        return DATABASE;
    }
}
