package dev.cutover.flags.jdbc;

import dev.cutover.testsupport.EmbeddedMariaDb;
import javax.sql.DataSource;

/** The store contract on embedded MariaDb, started by the test. */
class MariaDbFlagStoreContractTest extends JdbcFlagStoreContract {
    private static final DataSource DATABASE =
            EmbeddedMariaDb.get().createDatabase("contract").dataSource();

    @Override
    protected DataSource dataSource() {
        return DATABASE;
    }
}
