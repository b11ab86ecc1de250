package dev.cutover.testsupport;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** H2 in-memory databases: nothing to start or stop; each lives until the JVM exits. */
public final class H2Databases {

    /** H2's default administrator, with an empty password. */
    public static final String USER = "sa";

    private H2Databases() {}

    /** {@code jdbc:h2:mem:<name>;DB_CLOSE_DELAY=-1}: kept while the JVM runs, even with no connection open. */
    public static String jdbcUrl(String name) {
        return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
    }

    /** A data source on the in-memory database {@code name} (the same database for the same name). */
    public static DataSource inMemory(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(jdbcUrl(name));
        ds.setUser(USER);
        ds.setPassword("");
        return ds;
    }

    /** A new, empty in-memory database named after {@code hint} plus a counter. */
    public static TestDatabase createDatabase(String hint) {
        String name = TestDatabase.uniqueName(hint);
        return new TestDatabase(name, jdbcUrl(name), USER, "", inMemory(name));
    }
}
