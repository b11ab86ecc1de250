package dev.cutover.replication.jdbc;

/** {@link JdbcSourceChecks} on embedded MariaDb. */
class MariaDbJdbcSourceTest extends JdbcSourceChecks {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.MARIADB, "source_checks");

  @Override
  TestTables tables() {
    return TABLES;
  }
}
