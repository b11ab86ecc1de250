package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;
import java.util.List;
import net.jqwik.api.Example;

/** {@link JdbcTargetChecks} on embedded PostgreSQL, plus what only PostgreSQL refuses. */
class PostgresJdbcTargetTest extends JdbcTargetChecks {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.POSTGRES, "target_checks");

    @Override
    FreshTables tables() {
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
        assertThatThrownBy(() -> target.apply(List.of(badName)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
        Change lookalike = Change.upsert("k", 2, JSON.objectNode().put("note", "\\u0000 is how JSON writes a NUL"));
        target.apply(List.of(lookalike));
        assertThat(target.read("k")).contains(lookalike);
    }

    @Example
    void newKeysLandByAPlainInsertAndStoredKeysFallBackToTheConditionalUpsertWithExactOutcomes() throws Exception {
        JdbcVersionedTarget target = fresh();
        assertThat(target.apply(List.of(upsert("a", 1), upsert("b", 1), upsert("c", 1))))
                .containsOnly(ApplyOutcome.APPLIED);
        // one stored key fails the plain insert, which writes nothing: the upsert decides every change
        assertThat(target.apply(List.of(upsert("a", 1), upsert("d", 1), upsert("b", 2))))
                .containsExactly(ApplyOutcome.DUPLICATE, ApplyOutcome.APPLIED, ApplyOutcome.APPLIED);
        target.apply(List.of(Change.delete("c", 5)));
        // a tombstone is a stored key too: an older upsert cannot bring the entity back
        assertThat(target.apply(List.of(upsert("c", 4), upsert("e", 1))))
                .containsExactly(ApplyOutcome.SUPERSEDED, ApplyOutcome.APPLIED);
        // while the plain insert is skipped after failures, new keys still land through the upsert
        for (int i = 0; i < 5; i++) {
            assertThat(target.apply(List.of(upsert("n" + i, 1)))).containsExactly(ApplyOutcome.APPLIED);
        }
        assertThat(target.read("c")).contains(Change.delete("c", 5));
        assertThat(target.read("b")).contains(upsert("b", 2));
        assertThat(target.read("n4")).contains(upsert("n4", 1));
    }
}
