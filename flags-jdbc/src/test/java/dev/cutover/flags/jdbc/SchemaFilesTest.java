package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DDL shipped for DBAs is exactly what {@code createSchemaIfMissing()} runs. */
class SchemaFilesTest {

    @Test
    void shippedSqlFilesMatchTheGeneratedSchema() throws Exception {
        for (JdbcDialect dialect : JdbcDialect.values()) {
            String file;
            try (InputStream in = JdbcDialect.class.getResourceAsStream(dialect.schemaResource())) {
                assertThat(in).as("resource %s", dialect.schemaResource()).isNotNull();
                file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> statements = new ArrayList<>();
            for (String part : file.split(";\n")) {
                String withoutComments = part.lines()
                        .filter(l -> !l.startsWith("--"))
                        .reduce("", (a, b) -> a + b + "\n")
                        .strip();
                if (!withoutComments.isEmpty()) {
                    statements.add(withoutComments);
                }
            }
            assertThat(statements).as("%s schema file", dialect).isEqualTo(dialect.schema("cutover_"));
        }
    }

    @Test
    void productNamesMapToDialects() {
        assertThat(JdbcDialect.fromProductName("PostgreSQL")).isEqualTo(JdbcDialect.POSTGRESQL);
        assertThat(JdbcDialect.fromProductName("MySQL")).isEqualTo(JdbcDialect.MYSQL);
        assertThat(JdbcDialect.fromProductName("MariaDB")).isEqualTo(JdbcDialect.MYSQL);
        assertThat(JdbcDialect.fromProductName("H2")).isEqualTo(JdbcDialect.H2);
        assertThat(JdbcDialect.fromProductName("Oracle")).isNull();
    }
}
