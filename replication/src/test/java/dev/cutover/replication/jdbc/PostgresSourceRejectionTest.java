package dev.cutover.replication.jdbc;

/** {@link SourceRejectionChecks} on Postgres. */
class PostgresSourceRejectionTest extends SourceRejectionChecks {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.POSTGRES, "source_rejection");

  @Override
  TestTables tables() {
    return TABLES;
  }
}
