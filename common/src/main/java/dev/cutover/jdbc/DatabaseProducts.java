package dev.cutover.jdbc;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one place that tells the supported databases apart by their JDBC product name, for every
 * JDBC store of dual-write (the journal, the versioned target and source, the checkpoints). Not API.
 */
public final class DatabaseProducts {
  /** The database families whose SQL differs. */
  public enum Family {
    POSTGRESQL,
    /** MySQL and MariaDB. */
    MYSQL,
    H2
  }

  private DatabaseProducts() {}

  /**
   * The family of a {@code DatabaseMetaData.getDatabaseProductName()} ({@code "PostgreSQL"},
   * {@code "MySQL"}, {@code "MariaDB"}, {@code "H2"}), or null when it is none of these.
   */
  public static @Nullable Family of(String productName) {
    String p = productName.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) {
      return Family.POSTGRESQL;
    } else if (p.contains("mysql") || p.contains("mariadb")) {
      return Family.MYSQL;
    } else if (p.equals("h2")) {
      return Family.H2;
    }
    return null;
  }
}
