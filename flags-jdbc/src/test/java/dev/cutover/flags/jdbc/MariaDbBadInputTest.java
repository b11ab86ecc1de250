package dev.cutover.flags.jdbc;

import dev.cutover.testsupport.EmbeddedMariaDb;
import javax.sql.DataSource;

/** Bad rows and arguments on embedded MariaDb, started by the test. */
class MariaDbBadInputTest extends JdbcBadInputContract {
    private static final DataSource DATABASE =
            EmbeddedMariaDb.get().createDatabase("badinput").dataSource();

    @Override
    protected DataSource dataSource() {
        return DATABASE;
    }
}
