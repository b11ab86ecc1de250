package dev.cutover.dualwrite.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.dualwrite.replication.Change;
import dev.cutover.dualwrite.replication.SqlDialect;
import dev.cutover.dualwrite.replication.JdbcVersionedTarget;
import java.util.List;
import net.jqwik.api.Example;

/** {@link JdbcTargetChecks} on embedded PostgreSQL, plus what only PostgreSQL refuses. */
class PostgresJdbcTargetTest extends JdbcTargetChecks {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.POSTGRES, "target_checks");

  @Override
  TestTables tables() {
    return TABLES;
  }

  @Example
  void theDialectIsDetected() throws Exception {
    assertThat(fresh().dialect()).isEqualTo(SqlDialect.POSTGRESQL);
  }

  @Example
  void aPayloadWithANulCharacterIsRejectedNamingTheChange() throws Exception {
    JdbcVersionedTarget target = fresh();
    Change bad = Change.upsert("k", 3, JSON.objectNode().put("note", "a\u0000b"));
    assertThatThrownBy(() -> target.apply(List.of(upsert("ok", 1), bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UPSERT k v3")
        .hasMessageContaining("NUL");
    assertThat(target.read("ok")).isEmpty();
  }

  @Example
  void aNulInAFieldNameIsRejectedAndTextThatOnlyLooksLikeOneIsStored() throws Exception {
    JdbcVersionedTarget target = fresh();
    Change badName = Change.upsert("k", 1, JSON.objectNode().put("a\u0000", 1));
    assertThatThrownBy(() -> target.apply(List.of(badName))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
    Change lookalike = Change.upsert("k", 2, JSON.objectNode().put("note", "\\u0000 is how JSON writes a NUL"));
    target.apply(List.of(lookalike));
    assertThat(target.read("k")).contains(lookalike);
  }
}
