package dev.cutover.replication.jdbc;

/** {@link SourceRejectionChecks} on MariaDB. */
class MariaDbSourceRejectionTest extends SourceRejectionChecks {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.MARIADB, "source_rejection");

  @Override
  TestTables tables() {
    return TABLES;
  }
}
