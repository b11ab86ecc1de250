package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.jdbc.SqlDialect;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The flag store tells databases apart exactly as Cutover's other JDBC stores do ({@link
 * SqlDialect} of cutover-common, a test-only dependency here): same dialect for every product
 * name, and unsupported where they are.
 */
class DialectDetectionProperties {

    @Property(tries = 500)
    void productNamesMapAsForTheOtherStores(@ForAll("productNames") String product) {
        JdbcDialect flags = JdbcDialect.fromProductName(product);
        if (flags == null) {
            assertThatThrownBy(() -> SqlDialect.of(product))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unsupported database '" + product + "'; supported: PostgreSQL, MySQL, MariaDB, H2");
        } else {
            assertThat(SqlDialect.of(product).name()).isEqualTo(flags.name());
        }
    }

    @Example
    void everyDialectHasItsNamesake() {
        for (JdbcDialect d : JdbcDialect.values()) {
            assertThat(SqlDialect.valueOf(d.name())).isNotNull();
        }
        assertThat(SqlDialect.values()).hasSameSizeAs(JdbcDialect.values());
    }

    @Provide
    Arbitrary<String> productNames() {
        Arbitrary<String> known = Arbitraries.of(
                "PostgreSQL",
                "postgres",
                "EnterpriseDB PostgreSQL",
                "MySQL",
                "MariaDB",
                "mariadb",
                "H2",
                "h2",
                "H2 Database",
                "Oracle",
                "Microsoft SQL Server",
                "SQLite",
                "");
        Arbitrary<String> noise = Arbitraries.strings().ofMaxLength(6);
        return Arbitraries.oneOf(
                known,
                Combinators.combine(noise, known, noise).as((a, b, c) -> a + b + c),
                Arbitraries.strings().ofMaxLength(20));
    }
}
