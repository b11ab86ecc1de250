package dev.cutover.dualwrite.replication.backfill.internal;

import dev.cutover.dualwrite.replication.backfill.internal.CheckpointSql.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint table of {@code JdbcCheckpointStore}: borrowing connections, and creating the
 * table and its rows, safely when many processes start at once. Stateless apart from its immutable
 * configuration, so thread-safe.
 */
public final class CheckpointTable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointTable.class);

  /** Work on one borrowed connection. */
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource dataSource;
  private final CheckpointSql sql;
  private final int maxOwnerLength;
  private final int maxTokenLength;

  public CheckpointTable(DataSource dataSource, CheckpointSql sql, int maxOwnerLength, int maxTokenLength) {
    this.dataSource = dataSource;
    this.sql = sql;
    this.maxOwnerLength = maxOwnerLength;
    this.maxTokenLength = maxTokenLength;
  }

  /** Runs on one borrowed connection; commits (or rolls back) when it was lent without auto-commit. */
  public <T> T call(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (c.getAutoCommit()) {
        return work.run(c);
      }
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      }
    }
  }

  /** The DDL for this database; borrows a connection to detect the dialect. */
  public List<String> schema() throws SQLException {
    String product = call(c -> c.getMetaData().getDatabaseProductName());
    Dialect dialect = Dialect.fromProductName(product);
    if (dialect == null) {
      throw new IllegalArgumentException(
          "unsupported database '" + product + "'; supported: PostgreSQL, MySQL, MariaDB, H2");
    }
    return CheckpointSql.schema(dialect, sql.table, maxOwnerLength, maxTokenLength);
  }

  /** Creates the table if missing and a row per missing segment; checks the segment count. */
  public void prepare(int segments, long nowMillis) throws SQLException {
    createTableIfMissing();
    checkShape(segments, false);
    Set<Integer> present = new HashSet<>(call(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.existing); ResultSet rs = ps.executeQuery()) {
        List<Integer> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
        return out;
      }
    }));
    for (int segment = 0; segment < segments; segment++) {
      if (!present.contains(segment)) {
        insert(segment, segments, nowMillis);
      }
    }
    checkShape(segments, true);
  }

  private void createTableIfMissing() throws SQLException {
    List<String> ddl = schema();
    SQLException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        call(c -> {
          try (Statement s = c.createStatement()) {
            for (String statement : ddl) {
              s.execute(statement);
            }
          }
          return null;
        });
        return;
      } catch (SQLException e) {
        // PostgreSQL: two CREATE TABLE IF NOT EXISTS racing can fail on its catalog's unique index
        last = e;
      }
    }
    try {
      call(c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.shape); ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      });
      LOG.debug("creating {} raced with another process; the table is usable", sql.table, last);
    } catch (SQLException e) {
      last.addSuppressed(e);
      throw last;
    }
  }

  private void insert(int segment, int segments, long nowMillis) throws SQLException {
    try {
      call(c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.insert)) {
          ps.setInt(1, segment);
          ps.setInt(2, segments);
          ps.setLong(3, nowMillis);
          return ps.executeUpdate();
        }
      });
    } catch (SQLException e) {
      String state = e.getSQLState();
      if (state == null || !state.startsWith("23")) {
        throw e;
      }
      // an integrity violation: another process inserted this segment first
    }
  }

  private void checkShape(int segments, boolean complete) throws SQLException {
    long[] shape = call(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.shape); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
      }
    });
    if (shape[0] == 0 && !complete) {
      return;
    }
    if (shape[1] != segments || shape[2] != segments || (complete && shape[0] != segments)) {
      long other = shape[1] != segments ? shape[1] : shape[2] != segments ? shape[2] : shape[0];
      throw new IllegalStateException(sql.table + " holds checkpoints of " + other + " segments, but the source has "
          + segments + ": a source must keep its segment count; to copy it again use another backfill name");
    }
  }
}
