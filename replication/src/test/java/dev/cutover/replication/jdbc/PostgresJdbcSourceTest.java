package dev.cutover.replication.jdbc;

/** {@link JdbcSourceChecks} on embedded Postgres. */
class PostgresJdbcSourceTest extends JdbcSourceChecks {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.POSTGRES, "source_checks");

  @Override
  TestTables tables() {
    return TABLES;
  }
}
