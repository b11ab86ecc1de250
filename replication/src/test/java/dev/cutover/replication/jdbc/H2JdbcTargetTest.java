package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Example;

/** {@link JdbcTargetChecks} on H2, plus the builder's checks and the shipped DDL. */
class H2JdbcTargetTest extends JdbcTargetChecks {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.H2, "target_checks");

    @Override
    FreshTables tables() {
        return TABLES;
    }

    @Example
    void theShippedSchemaFilesAreWhatTheTargetRuns() throws Exception {
        for (SqlDialect dialect : SqlDialect.values()) {
            JdbcVersionedTarget target = JdbcVersionedTarget.builder(TABLES.dataSource())
                    .table("versioned_entities")
                    .dialect(dialect)
                    .build();
            String expected = String.join(";\n\n", target.schemaStatements()) + ";\n";
            try (InputStream in =
                    JdbcVersionedTarget.class.getResourceAsStream(JdbcVersionedTarget.schemaResource(dialect))) {
                assertThat(in).as(JdbcVersionedTarget.schemaResource(dialect)).isNotNull();
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(text.substring(text.indexOf("CREATE")))
                        .as(dialect.name())
                        .isEqualTo(expected);
            }
        }
    }

    @Example
    void badSettingsAreRejectedNamingTheValue() {
        JdbcVersionedTarget.Builder b = JdbcVersionedTarget.builder(TABLES.dataSource());
        assertThatThrownBy(() -> b.table("Bad-Name")).hasMessageContaining("'Bad-Name'");
        assertThatThrownBy(() -> b.table("x".repeat(49))).hasMessageContaining("x".repeat(49));
        assertThatThrownBy(() -> b.segments(0)).hasMessageContaining("but was 0");
        assertThatThrownBy(() -> b.segments(1025)).hasMessageContaining("but was 1025");
        assertThatThrownBy(() -> b.batchSize(0)).hasMessageContaining("but was 0");
        assertThatThrownBy(() -> b.batchSize(1001)).hasMessageContaining("but was 1001");
        assertThatThrownBy(() -> b.fillFactor(9)).hasMessageContaining("but was 9");
        assertThatThrownBy(() -> b.fillFactor(101)).hasMessageContaining("but was 101");
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("table");
        assertThatThrownBy(() -> b.payloadColumns(new JsonColumns(List.of("version"))))
                .hasMessageContaining("[version]");
        assertThatThrownBy(() -> b.payloadColumns(new JsonColumns(List.of("a", "a"))))
                .hasMessageContaining("[a, a]");
    }

    @Example
    void aFillFactorIsForPostgresqlOnly() {
        JdbcVersionedTarget.Builder b =
                JdbcVersionedTarget.builder(TABLES.dataSource()).table("t").fillFactor(70);
        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fillFactor(70)")
                .hasMessageContaining("h2");
        assertThatThrownBy(() -> b.dialect(SqlDialect.MYSQL).build()).hasMessageContaining("mysql");
    }

    @Example
    void theDialectIsDetected() throws Exception {
        assertThat(fresh().dialect()).isEqualTo(SqlDialect.H2);
        assertThat(fresh().describe()).contains("h2").contains("4 segments");
    }
}
