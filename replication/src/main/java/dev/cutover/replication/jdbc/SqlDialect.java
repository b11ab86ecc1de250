package dev.cutover.replication.jdbc;

import dev.cutover.jdbc.DatabaseProducts;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The SQL dialects of {@link JdbcVersionedTarget} and {@link JdbcSource}. Detected from {@code
 * DatabaseMetaData.getDatabaseProductName()} unless set on their builders (for example {@code
 * POSTGRESQL} for a PostgreSQL-compatible database).
 *
 * <pre>{@code
 * JdbcVersionedTarget target = JdbcVersionedTarget.builder(pool)
 *     .table("customers_v2")
 *     .dialect(SqlDialect.MYSQL)   // instead of detecting it
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public enum SqlDialect {
  /** PostgreSQL 12 or later. */
  POSTGRESQL,
  /** MySQL 8 or MariaDB 10.5 or later; InnoDB. */
  MYSQL,
  /** H2 2.x, for tests and embedded use. */
  H2;

  /**
   * The dialect for a JDBC product name ({@code "PostgreSQL"}, {@code "MySQL"}, {@code
   * "MariaDB"}, {@code "H2"}), or null when it is not one of these.
   */
  public static @Nullable SqlDialect fromProductName(String productName) {
    DatabaseProducts.Family f = DatabaseProducts.of(productName);
    return f == null ? null : valueOf(f.name());
  }

  /**
   * Borrows one connection to read the product name.
   *
   * @throws IllegalArgumentException when the database is not supported, naming it
   */
  public static SqlDialect detect(DataSource dataSource) throws SQLException {
    Objects.requireNonNull(dataSource, "dataSource");
    try (Connection c = dataSource.getConnection()) {
      String product = c.getMetaData().getDatabaseProductName();
      SqlDialect d = fromProductName(product);
      if (d == null) {
        throw new IllegalArgumentException(
            "unsupported database '" + product + "'; supported: PostgreSQL, MySQL, MariaDB, H2;"
                + " set dialect(...) for a compatible one");
      }
      return d;
    }
  }

  /**
   * The classpath resource with the DDL of {@link JdbcVersionedTarget}'s table for the example
   * name {@code versioned_entities}, for example {@code
   * /dev/cutover/replication/schema/postgresql.sql}.
   */
  public String targetSchemaResource() {
    return "/dev/cutover/replication/schema/" + name().toLowerCase(Locale.ROOT) + ".sql";
  }
}
