package dev.cutover.replication.jdbc;

/** {@link JdbcSourceChecks} on H2. */
class H2JdbcSourceTest extends JdbcSourceChecks {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.H2, "source_checks");

  @Override
  TestTables tables() {
    return TABLES;
  }
}
