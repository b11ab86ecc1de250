package dev.cutover.flags.jdbc;

import dev.cutover.testsupport.EmbeddedPostgresServer;
import javax.sql.DataSource;

/** The store contract on embedded Postgres, started by the test. */
class PostgresFlagStoreContractTest extends JdbcFlagStoreContract {
    private static final DataSource DATABASE =
            EmbeddedPostgresServer.get().createDatabase("contract").dataSource();

    @Override
    protected DataSource dataSource() {
        return DATABASE;
    }
}
