package dev.cutover.flags.jdbc;

import dev.cutover.testsupport.EmbeddedPostgresServer;
import javax.sql.DataSource;

/** The heartbeat store contract on embedded Postgres, started by the test. */
class PostgresHeartbeatStoreContractTest extends JdbcHeartbeatStoreContract {
    private static final DataSource DATABASE =
            EmbeddedPostgresServer.get().createDatabase("heartbeats").dataSource();

    @Override
    protected DataSource dataSource() {
        return DATABASE;
    }
}
