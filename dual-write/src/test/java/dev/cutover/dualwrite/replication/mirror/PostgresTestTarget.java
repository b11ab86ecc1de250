package dev.cutover.dualwrite.replication.mirror;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.dualwrite.replication.ApplyOutcome;
import dev.cutover.dualwrite.replication.Change;
import dev.cutover.dualwrite.replication.VersionedTarget;
import dev.cutover.flags.jdbc.support.EmbeddedPostgresServer;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A minimal {@link VersionedTarget} on PostgreSQL for the replication tests, until the real JDBC
 * target replaces it: one table {@code (key, version, deleted, payload, applied_at)}, one
 * statement per batch that upserts with {@code ON CONFLICT (key) DO UPDATE ... WHERE t.version <
 * EXCLUDED.version} and reports per key whether it landed.
 *
 * <p>A batch is first reduced to the highest version per key (PostgreSQL refuses to touch a row
 * twice in one statement); the other changes of that key get DUPLICATE (same version) or
 * SUPERSEDED. The rows go in key order so that concurrent batches lock rows in one order and do
 * not deadlock. Segments by {@code hashtext(key)}; pages in key order (collation C).
 */
public final class PostgresTestTarget implements VersionedTarget, AutoCloseable {
  /** Integers read back as longs: payloads are built with {@code put(String, long)}, and a tree's equality sees the type. */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static volatile @Nullable HikariDataSource shared;

  private final DataSource dataSource;
  private final String table;
  private final int segments;
  private final String upsert;

  private PostgresTestTarget(DataSource dataSource, String table, int segments) throws SQLException {
    this.dataSource = dataSource;
    this.table = table;
    this.segments = segments;
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (key text COLLATE \"C\" PRIMARY KEY, version bigint NOT NULL, "
          + "deleted boolean NOT NULL, payload text, applied_at timestamptz NOT NULL)");
    }
    this.upsert = "WITH input AS (SELECT * FROM unnest(?::text[], ?::bigint[], ?::boolean[], ?::text[]) "
        + "AS i(key, version, deleted, payload)), "
        + "up AS (INSERT INTO " + table + " AS t (key, version, deleted, payload, applied_at) "
        + "SELECT key, version, deleted, payload, now() FROM input ORDER BY key "
        + "ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted, "
        + "payload = EXCLUDED.payload, applied_at = EXCLUDED.applied_at WHERE t.version < EXCLUDED.version "
        + "RETURNING t.key) "
        + "SELECT i.key, u.key IS NOT NULL, c.version FROM input i LEFT JOIN up u ON u.key = i.key "
        + "LEFT JOIN " + table + " c ON c.key = i.key";
  }

  /** A new, empty table on the shared embedded PostgreSQL database of the replication tests. */
  public static PostgresTestTarget create(int segments) throws SQLException {
    return new PostgresTestTarget(pool(), "rt_" + TABLES.incrementAndGet(), segments);
  }

  /** One pool for every test target of the JVM (8 connections), closed by the JVM's exit. */
  static synchronized DataSource pool() {
    HikariDataSource ds = shared;
    if (ds == null) {
      HikariConfig config = new HikariConfig();
      config.setDataSource(EmbeddedPostgresServer.get().createDatabase("replication").dataSource());
      config.setMaximumPoolSize(8);
      config.setPoolName("replication-tests");
      ds = new HikariDataSource(config);
      shared = ds;
    }
    return ds;
  }

  @Override
  public List<ApplyOutcome> apply(List<Change> changes) throws SQLException {
    if (changes.isEmpty()) {
      return List.of();
    }
    TreeMap<String, Change> winners = new TreeMap<>();
    for (Change c : changes) {
      winners.merge(c.key(), c, (a, b) -> a.version() >= b.version() ? a : b);
    }
    int n = winners.size();
    String[] keys = new String[n];
    Long[] versions = new Long[n];
    Boolean[] deleted = new Boolean[n];
    String[] payloads = new String[n];
    int i = 0;
    for (Change c : winners.values()) {
      keys[i] = c.key();
      versions[i] = c.version();
      deleted[i] = c.isDelete();
      payloads[i] = c.payload() == null ? null : c.payload().toString();
      i++;
    }
    Map<String, Boolean> landed = new HashMap<>();
    Map<String, Long> before = new HashMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(upsert)) {
      Array[] arrays = {c.createArrayOf("text", keys), c.createArrayOf("bigint", versions),
          c.createArrayOf("boolean", deleted), c.createArrayOf("text", payloads)};
      for (int p = 0; p < arrays.length; p++) {
        ps.setArray(p + 1, arrays[p]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          landed.put(rs.getString(1), rs.getBoolean(2));
          long v = rs.getLong(3);
          before.put(rs.getString(1), rs.wasNull() ? 0L : v);
        }
      }
    }
    List<ApplyOutcome> outcomes = new ArrayList<>(changes.size());
    Set<String> settled = new HashSet<>();
    for (Change ch : changes) {
      Change winner = winners.get(ch.key());
      if (ch.version() == winner.version() && settled.add(ch.key())) {
        long stored = before.get(ch.key());
        outcomes.add(landed.get(ch.key()) ? ApplyOutcome.APPLIED
            : stored == ch.version() ? ApplyOutcome.DUPLICATE : ApplyOutcome.SUPERSEDED);
      } else {
        outcomes.add(ch.version() == winner.version() ? ApplyOutcome.DUPLICATE : ApplyOutcome.SUPERSEDED);
      }
    }
    return outcomes;
  }

  @Override
  public Optional<Change> read(String key) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT key, version, deleted, payload FROM " + table + " WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  @Override
  public long purgeTombstones(Instant appliedBefore) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE deleted AND applied_at < ?")) {
      ps.setObject(1, OffsetDateTime.ofInstant(appliedBefore, ZoneOffset.UTC));
      return ps.executeUpdate();
    }
  }

  @Override
  public int segments() {
    return segments;
  }

  @Override
  public Page read(int segment, @Nullable String token, int limit) throws SQLException {
    if (segment < 0 || segment >= segments) {
      throw new IllegalArgumentException("segment must be 0 to " + (segments - 1) + " but was " + segment);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
    }
    String sql = "SELECT key, version, deleted, payload FROM " + table + " WHERE mod(abs(hashtext(key)::bigint), ?) = ?"
        + (token == null ? "" : " AND key > ?") + " ORDER BY key LIMIT ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int p = 1;
      ps.setInt(p++, segments);
      ps.setInt(p++, segment);
      if (token != null) {
        ps.setString(p++, token);
      }
      ps.setInt(p, limit);
      List<Change> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs));
        }
      }
      return new Page(rows, rows.size() < limit ? null : rows.get(rows.size() - 1).key());
    }
  }

  /** How many rows (live and tombstones) the table holds. */
  public long count() throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Change row(ResultSet rs) throws SQLException {
    String key = rs.getString(1);
    long version = rs.getLong(2);
    if (rs.getBoolean(3)) {
      return Change.delete(key, version);
    }
    try {
      JsonNode payload = JSON.readTree(rs.getString(4));
      return Change.upsert(key, version, payload);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops the table. */
  @Override
  public void close() throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  @Override
  public String describe() {
    return "PostgreSQL test table " + table;
  }
}
