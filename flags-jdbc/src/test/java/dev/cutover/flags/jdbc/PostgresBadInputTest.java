package dev.cutover.flags.jdbc;

import dev.cutover.testsupport.EmbeddedPostgresServer;
import javax.sql.DataSource;

/** Bad rows and arguments on embedded Postgres, started by the test. */
class PostgresBadInputTest extends JdbcBadInputContract {
    private static final DataSource DATABASE =
            EmbeddedPostgresServer.get().createDatabase("badinput").dataSource();

    @Override
    protected DataSource dataSource() {
        return DATABASE;
    }
}
