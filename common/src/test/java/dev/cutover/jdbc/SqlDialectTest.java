package dev.cutover.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** One detection for every JDBC store: product names, the errors naming an unsupported one, connections. */
class SqlDialectTest {

    @Test
    void productNamesMapToDialects() {
        assertThat(SqlDialect.of("PostgreSQL")).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(SqlDialect.of("EnterpriseDB postgres")).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(SqlDialect.of("MySQL")).isEqualTo(SqlDialect.MYSQL);
        assertThat(SqlDialect.of("MariaDB")).isEqualTo(SqlDialect.MYSQL);
        assertThat(SqlDialect.of("H2")).isEqualTo(SqlDialect.H2);
        assertThat(SqlDialect.of("h2")).isEqualTo(SqlDialect.H2);
    }

    @Test
    void anUnsupportedProductIsNamed() {
        for (String product : new String[] {"Oracle", "Microsoft SQL Server", "H2 Database", ""}) {
            assertThatThrownBy(() -> SqlDialect.of(product))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unsupported database '" + product + "'; supported: PostgreSQL, MySQL, MariaDB, H2");
        }
        assertThatThrownBy(() -> SqlDialect.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void detectReadsTheConnectionsMetadataAndLeavesItOpen() throws Exception {
        FakeDatabase db = new FakeDatabase("MariaDB");
        try (Connection c = db.dataSource.getConnection()) {
            assertThat(SqlDialect.detect(c)).isEqualTo(SqlDialect.MYSQL);
            assertThat(db.closed.get()).isZero();
        }
        assertThatThrownBy(() -> SqlDialect.detect(new FakeDatabase("Oracle").dataSource.getConnection()))
                .hasMessage("unsupported database 'Oracle'; supported: PostgreSQL, MySQL, MariaDB, H2");
    }

    @Test
    void detectBorrowsOneConnectionAndGivesItBack() throws Exception {
        FakeDatabase db = new FakeDatabase("PostgreSQL");
        assertThat(SqlDialect.detect(db.dataSource)).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(db.closed.get()).isEqualTo(db.opened.get()).isEqualTo(1);

        FakeDatabase oracle = new FakeDatabase("Oracle");
        assertThatThrownBy(() -> SqlDialect.detect(oracle.dataSource))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported database 'Oracle'; supported: PostgreSQL, MySQL, MariaDB, H2");
        assertThat(oracle.closed.get()).isEqualTo(oracle.opened.get()).isEqualTo(1);
    }

    @Test
    void setOrDetectKeepsASetDialectAndPointsToTheSettingOtherwise() throws Exception {
        FakeDatabase oracle = new FakeDatabase("Oracle");
        assertThat(SqlDialect.setOrDetect(SqlDialect.POSTGRESQL, oracle.dataSource))
                .isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(oracle.opened.get()).isZero();
        assertThatThrownBy(() -> SqlDialect.setOrDetect(null, oracle.dataSource))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported database 'Oracle'; supported: PostgreSQL, MySQL, MariaDB, H2;"
                        + " set dialect(...) for a compatible one");
        assertThat(oracle.closed.get()).isEqualTo(oracle.opened.get()).isEqualTo(1);

        FakeDatabase h2 = new FakeDatabase("H2");
        assertThat(SqlDialect.setOrDetect(null, h2.dataSource)).isEqualTo(SqlDialect.H2);
        assertThat(h2.closed.get()).isEqualTo(h2.opened.get()).isEqualTo(1);
    }
}
