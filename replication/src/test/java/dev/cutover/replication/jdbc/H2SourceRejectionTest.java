package dev.cutover.replication.jdbc;

/** {@link SourceRejectionChecks} on H2. */
class H2SourceRejectionTest extends SourceRejectionChecks {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.H2, "source_rejection");

  @Override
  TestTables tables() {
    return TABLES;
  }
}
