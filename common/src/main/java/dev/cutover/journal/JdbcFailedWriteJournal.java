package dev.cutover.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import dev.cutover.jdbc.DatabaseProducts;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FailedWriteJournal} in a table on PostgreSQL, MySQL/MariaDB or H2, so missed shadow
 * writes outlive the process until reconciliation repairs them. Needs only {@code java.sql}.
 *
 * <pre>{@code
 * JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(dataSource)
 *     .tablePrefix("cutover_")   // the default
 *     .build();                  // detects the dialect; or .dialect(Dialect.POSTGRESQL)
 * journal.createSchemaIfMissing();
 *
 * // a repair job, one pass:
 * long after = 0;
 * for (List<JournalEntry> page; !(page = journal.pending(after, 500)).isEmpty(); ) {
 *   List<Long> repaired = repairAll(page);            // yours
 *   journal.resolve(repaired);
 *   after = page.get(page.size() - 1).id();
 * }
 * }</pre>
 *
 * <p><b>Tables.</b> {@code <prefix>failed_writes}: {@code id} (auto-numbered {@code BIGINT}),
 * {@code repository}, {@code method}, {@code entity_key} (nullable), {@code target},
 * {@code reason}, {@code detail}, {@code at} and {@code resolved_at} (nullable; set once by
 * {@link #resolve}), with an index {@code <prefix>failed_writes_pending} that serves
 * {@link #pending} and {@link #pendingCount()} without reading resolved rows (a partial index on
 * PostgreSQL) and an index {@code <prefix>failed_writes_key} that serves the coalescing look-up of
 * {@link #append}. An append inserts a row and deletes the pending rows of its repository, key
 * and target that it found before, so the pending rows grow with distinct keys; two appenders
 * racing on one key (one per instance at most, since each process appends one key at a time) can
 * leave a row each, and the next append of that key replaces both. {@code <prefix>gaps}: {@code id}, {@code repository}, {@code kind},
 * {@code from_at}, {@code to_at}, {@code detail}, {@code closed_at} (nullable).
 * {@link #createSchemaIfMissing()} creates all of them. Teams that provision tables
 * themselves find the same DDL, for the default prefix, in the resource
 * {@link Dialect#schemaResource()} ({@code dev/cutover/journal/schema/postgresql.sql},
 * {@code mysql.sql}, {@code h2.sql}) and, for any prefix, in {@link #schemaStatements()}. Resolved
 * rows are kept; delete old ones with your own housekeeping job if the table grows too large.
 *
 * <p><b>Limits.</b> {@code repository} up to {@value #MAX_REPOSITORY_LENGTH} characters,
 * {@code method} up to {@value #MAX_METHOD_LENGTH}, {@code entityKey} up to
 * {@value #MAX_ENTITY_KEY_LENGTH}: longer ones, and ones with a NUL character or a broken
 * surrogate pair, are rejected with an {@link IllegalArgumentException} naming the length and the
 * limit (or the character's index), never cut, because a shortened key would repair the wrong
 * entity. {@code detail} is never rejected: beyond {@value #MAX_DETAIL_LENGTH} characters it is
 * shortened and ends in {@code …}, and characters no database stores become U+FFFD. Lengths are
 * {@link String#length()}, which is never less than what a database counts. {@code at} is kept to the millisecond, in UTC ({@code DATETIME(3)}
 * holding UTC on MySQL; {@code TIMESTAMP(3) WITH TIME ZONE} elsewhere).
 *
 * <p><b>Order.</b> Ids come from the database's identity or auto-increment column, so each
 * appender's ids increase. Concurrent appends may commit out of id order: an entry can become
 * visible after one with a higher id. A paging pass can therefore miss an entry appended while it
 * ran; that entry stays pending and the next pass, which starts again at id 0, finds it.
 *
 * <p><b>Connections and threads.</b> Thread-safe, without locks: the journal holds only immutable
 * configuration. Every call borrows one connection from the data source and closes it (returns
 * it to the pool) before returning, also when it fails. A call never leaves a transaction open:
 * on a connection lent with auto-commit off it commits its own work, and {@link #resolve} runs its
 * batches in one transaction and restores the auto-commit mode it found. So give the journal a
 * plain pool, not a transaction-aware proxy that joins the application's transactions. The table
 * prefix is checked against {@link #IDENTIFIER} and quoted; every value is a bound parameter.
 *
 * @since 0.1.0
 */
public final class JdbcFailedWriteJournal implements FailedWriteJournal {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcFailedWriteJournal.class);

  /** Table prefixes: a lower-case letter, then up to 39 lower-case letters, digits or {@code _}. */
  public static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,39}");
  /** Longest {@link FailedWrite#repository()} accepted, in {@code char}s. */
  public static final int MAX_REPOSITORY_LENGTH = 200;
  /** Longest {@link FailedWrite#method()} accepted, in {@code char}s. */
  public static final int MAX_METHOD_LENGTH = 200;
  /** Longest {@link FailedWrite#entityKey()} accepted, in {@code char}s. */
  public static final int MAX_ENTITY_KEY_LENGTH = 512;
  /** Longest {@link Gap#id()} accepted, in {@code char}s. */
  public static final int MAX_GAP_ID_LENGTH = 64;
  /** Longest {@link FailedWrite#detail()} kept, in {@code char}s; a longer one is shortened. */
  public static final int MAX_DETAIL_LENGTH = 1000;

  private final DataSource dataSource;
  private final String prefix;
  private final Dialect dialect;
  private final JournalSql sql;
  private final Clock clock = Clock.systemUTC();

  private JdbcFailedWriteJournal(DataSource dataSource, String prefix, Dialect dialect) {
    this.dataSource = dataSource;
    this.prefix = prefix;
    this.dialect = dialect;
    this.sql = new JournalSql(dialect, prefix);
  }

  /** Starts configuring a journal over a data source (ideally a connection pool). */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** The dialect in use, detected or set. */
  public Dialect dialect() {
    return dialect;
  }

  /** The table prefix in use. */
  public String tablePrefix() {
    return prefix;
  }

  /** The DDL {@link #createSchemaIfMissing()} runs, one statement per element, for review. */
  public List<String> schemaStatements() {
    return JournalSql.schema(dialect, prefix);
  }

  /**
   * Creates the table and its index if they do not exist. Safe to call on every start, also from
   * many instances at once: when another instance wins the race to create an object, the error is
   * retried and then ignored once the table is found usable.
   */
  public void createSchemaIfMissing() throws SQLException {
    SQLException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        boolean autoCommit = c.getAutoCommit();
        try {
          c.setAutoCommit(true);
          for (String ddl : schemaStatements()) {
            s.execute(ddl);
          }
          return;
        } finally {
          restoreAutoCommit(c, autoCommit);
        }
      } catch (SQLException e) {
        last = e;
      }
    }
    try {
      pendingCount();
      LOG.debug("schema creation raced with another instance; the table is usable", last);
    } catch (SQLException e) {
      last.addSuppressed(e);
      throw last;
    }
  }

  /**
   * Finds the pending rows of the same repository, key and target, inserts one row, then deletes
   * the rows it found; returns the id the database generated. Each step is one statement by
   * primary key or over the key index, with no transaction around them: there is never a moment
   * without a pending row for the key, and no range locks that concurrent appenders could
   * deadlock on. A deadlock or serialization failure reported anyway is retried twice.
   *
   * @throws IllegalArgumentException when an identifying field exceeds its limit (see above)
   */
  @Override
  public long append(FailedWrite write) throws SQLException {
    FailedWrite w = FailedWriteChecks.checked(write);
    for (int attempt = 0; ; attempt++) {
      try {
        List<Long> replaced = sameKey(w);
        long id = insert(w);
        if (!replaced.isEmpty()) {
          call(c -> {
            try (PreparedStatement del = c.prepareStatement(sql.deletePending(replaced.size()))) {
              for (int i = 0; i < replaced.size(); i++) {
                del.setLong(i + 1, replaced.get(i));
              }
              del.executeUpdate();
            }
            return null;
          });
        }
        return id;
      } catch (SQLTransactionRollbackException e) {
        if (attempt >= 2) {
          throw e;
        }
      }
    }
  }

  private List<Long> sameKey(FailedWrite w) throws SQLException {
    boolean keyless = w.entityKey() == null;
    return call(c -> {
      try (PreparedStatement ps = c.prepareStatement(keyless ? sql.sameNullKey : sql.sameKey)) {
        int i = 1;
        if (!keyless) {
          ps.setString(i++, w.entityKey());
        }
        ps.setString(i++, w.repository());
        ps.setString(i, w.target().name());
        try (ResultSet rs = ps.executeQuery()) {
          List<Long> ids = new ArrayList<>();
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
          return ids;
        }
      }
    });
  }

  private long insert(FailedWrite w) throws SQLException {
    return call(c -> {
      boolean returning = dialect == Dialect.POSTGRESQL;
      try (PreparedStatement ps = returning
          ? c.prepareStatement(sql.insert)
          : c.prepareStatement(sql.insert, Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, w.repository());
        ps.setString(2, w.method());
        ps.setString(3, w.entityKey());
        ps.setString(4, w.target().name());
        ps.setString(5, w.reason().name());
        ps.setString(6, w.detail());
        setInstant(ps, 7, w.at());
        try (ResultSet keys = returning ? ps.executeQuery() : executeForKeys(ps)) {
          if (!keys.next()) {
            throw new SQLException(
                "the database generated no id for the new row of " + sql.table
                    + ": is its id column an identity (auto-increment) column?");
          }
          return keys.getLong(1);
        }
      }
    });
  }

  /**
   * Updates the gap row with this id (opening it again) or inserts one.
   *
   * @throws IllegalArgumentException when the id or the repository exceeds its limit
   */
  @Override
  public void putGap(Gap gap) throws SQLException {
    Gap g = FailedWriteChecks.checked(gap);
    for (int attempt = 0; ; attempt++) {
      try {
        call(c -> {
          try (PreparedStatement up = c.prepareStatement(sql.gapUpdate)) {
            bindGap(up, g);
            if (up.executeUpdate() > 0) {
              return null;
            }
          }
          try (PreparedStatement in = c.prepareStatement(sql.gapInsert)) {
            bindGap(in, g);
            in.executeUpdate();
          }
          return null;
        });
        return;
      } catch (SQLException e) {
        // two writers of one id raced to insert it: the update wins the second time
        if (attempt > 0) {
          throw e;
        }
      }
    }
  }

  private void bindGap(PreparedStatement ps, Gap g) throws SQLException {
    ps.setString(1, g.repository());
    ps.setString(2, g.kind().name());
    setInstant(ps, 3, g.from());
    setInstant(ps, 4, g.to());
    ps.setString(5, g.detail());
    ps.setString(6, g.id());
  }

  @Override
  public void removeGap(String id) throws SQLException {
    Objects.requireNonNull(id, "id");
    call(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.gapDelete)) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * @throws SQLException also when a row holds a kind this version does not know
   */
  @Override
  public List<Gap> gaps() throws SQLException {
    return call(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.gaps); ResultSet rs = ps.executeQuery()) {
        List<Gap> all = new ArrayList<>();
        while (rs.next()) {
          String id = rs.getString(1);
          Gap.Kind kind;
          try {
            kind = Gap.Kind.valueOf(rs.getString(3));
          } catch (IllegalArgumentException | NullPointerException e) {
            throw new SQLException("gap " + id + " has kind '" + rs.getString(3) + "', which is not a "
                + Gap.Kind.class.getName() + " of this version", e);
          }
          Instant from = getInstant(rs, 4);
          Instant to = getInstant(rs, 5);
          String detail = rs.getString(6);
          all.add(new Gap(id, rs.getString(2), kind, from, to.isBefore(from) ? from : to, detail == null ? "" : detail));
        }
        return all;
      }
    });
  }

  @Override
  public int closeGaps(Instant reconciledFrom) throws SQLException {
    Objects.requireNonNull(reconciledFrom, "reconciledFrom");
    Instant now = clock.instant();
    return call(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.gapClose)) {
        setInstant(ps, 1, now);
        setInstant(ps, 2, reconciledFrom);
        return ps.executeUpdate();
      }
    });
  }

  private static ResultSet executeForKeys(PreparedStatement ps) throws SQLException {
    ps.executeUpdate();
    return ps.getGeneratedKeys();
  }

  /**
   * One index range read: unresolved rows with an id above {@code afterId}, oldest first.
   *
   * @throws IllegalArgumentException when {@code limit < 1}
   * @throws SQLException also when a row holds a target or reason this version does not know
   */
  @Override
  public List<JournalEntry> pending(long afterId, int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
    }
    return call(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.pending)) {
        ps.setLong(1, afterId);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          List<JournalEntry> page = new ArrayList<>();
          while (rs.next()) {
            page.add(entry(rs));
          }
          return page;
        }
      }
    });
  }

  private JournalEntry entry(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    String detail = rs.getString(7);
    FailedWrite write =
        new FailedWrite(
            rs.getString(2),
            rs.getString(3),
            rs.getString(4),
            constant(FailedWrite.Target.class, "target", rs.getString(5), id),
            constant(FailedWrite.Reason.class, "reason", rs.getString(6), id),
            detail == null ? "" : detail,
            getInstant(rs, 8));
    return new JournalEntry(id, write);
  }

  private <E extends Enum<E>> E constant(Class<E> type, String column, String value, long id)
      throws SQLException {
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new SQLException(
          "row " + id + " of " + sql.table + " has " + column + " '" + value
              + "', which is not a " + type.getName() + " of this version", e);
    }
  }

  /**
   * Sets {@code resolved_at} on the unresolved rows among {@code ids}, in batches of 500 ids, all
   * in one transaction. Ids that are unknown or already resolved are skipped, so the first
   * resolution time is kept. Borrows no connection when there is nothing to do.
   *
   * @throws NullPointerException when {@code ids} is or contains null
   */
  @Override
  public void resolve(Collection<Long> ids) throws SQLException {
    Objects.requireNonNull(ids, "ids");
    // sorted: concurrent resolvers then lock rows in the same order and cannot deadlock
    long[] sorted =
        ids.stream()
            .mapToLong(id -> Objects.requireNonNull(id, "ids must not contain null"))
            .filter(id -> id > 0)
            .sorted()
            .distinct()
            .toArray();
    if (sorted.length == 0) {
      return;
    }
    Instant now = clock.instant();
    inTransaction(c -> {
      for (int from = 0; from < sorted.length; from += JournalSql.RESOLVE_CHUNK) {
        int n = Math.min(JournalSql.RESOLVE_CHUNK, sorted.length - from);
        try (PreparedStatement ps = c.prepareStatement(sql.resolve(n))) {
          setInstant(ps, 1, now);
          for (int i = 0; i < n; i++) {
            ps.setLong(i + 2, sorted[from + i]);
          }
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  /** One {@code COUNT(*)} over the pending index. */
  @Override
  public long pendingCount() throws SQLException {
    return call(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.pendingCount);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
    Instant ms = at.truncatedTo(ChronoUnit.MILLIS);
    if (dialect == Dialect.MYSQL) {
      // DATETIME holds what it is given: always UTC, whatever the session time zone
      ps.setObject(index, LocalDateTime.ofInstant(ms, ZoneOffset.UTC));
    } else {
      ps.setObject(index, OffsetDateTime.ofInstant(ms, ZoneOffset.UTC));
    }
  }

  private Instant getInstant(ResultSet rs, int index) throws SQLException {
    if (dialect == Dialect.MYSQL) {
      return rs.getObject(index, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }
    return rs.getObject(index, OffsetDateTime.class).toInstant();
  }

  /** Work done on one borrowed connection. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs one statement's work on a borrowed connection as it was lent. With auto-commit on the
   * statement commits itself; with it off, the work is committed (or rolled back) here, so no
   * transaction is left open on a pooled connection.
   */
  private <T> T call(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (c.getAutoCommit()) {
        return work.run(c);
      }
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    }
  }

  /** Runs work in one transaction and gives the connection back with the auto-commit it had. */
  private <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      if (autoCommit) {
        c.setAutoCommit(false);
      }
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        restoreAutoCommit(c, autoCommit);
      }
    }
  }

  private static void restoreAutoCommit(Connection c, boolean autoCommit) {
    try {
      if (c.getAutoCommit() != autoCommit) {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      LOG.debug("could not restore auto-commit", e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.debug("rollback failed", e);
    }
  }

  @Override
  public String toString() {
    return "JdbcFailedWriteJournal[" + dialect.name().toLowerCase(Locale.ROOT) + ", " + sql.table + "]";
  }

  /**
   * The SQL dialects the journal speaks; they differ only in the auto-numbered id, the timestamp
   * type, identifier quoting and the pending index. Detected from {@code
   * DatabaseMetaData.getDatabaseProductName()} unless set with {@link Builder#dialect(Dialect)}
   * (for example {@code POSTGRESQL} for a PostgreSQL-compatible database).
   *
   * @since 0.1.0
   */
  public enum Dialect {
    /** PostgreSQL 12 or later. */
    POSTGRESQL,
    /** MySQL 8 or MariaDB 10.5 or later; InnoDB, utf8mb4. */
    MYSQL,
    /** H2 2.x, for tests and embedded use. */
    H2;

    /**
     * The classpath resource with this dialect's DDL for the default prefix {@code cutover_}, for
     * example {@code /dev/cutover/journal/schema/postgresql.sql}.
     */
    public String schemaResource() {
      return "/dev/cutover/journal/schema/" + name().toLowerCase(Locale.ROOT) + ".sql";
    }

    static @Nullable Dialect fromProductName(String productName) {
      DatabaseProducts.Family f = DatabaseProducts.of(productName);
      return f == null ? null : valueOf(f.name());
    }
  }

  /**
   * Configures a {@link JdbcFailedWriteJournal}. Each setting is checked when set, naming a bad
   * value.
   *
   * <pre>{@code
   * JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(pool)
   *     .tablePrefix("orders_migration_")
   *     .dialect(JdbcFailedWriteJournal.Dialect.MYSQL)
   *     .build();
   * }</pre>
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix = "cutover_";
    private @Nullable Dialect dialect;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Prefix of the table and index names; default {@code cutover_}. Must match {@link
     * #IDENTIFIER}.
     */
    public Builder tablePrefix(String prefix) {
      Objects.requireNonNull(prefix, "tablePrefix");
      if (!IDENTIFIER.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "tablePrefix must match " + IDENTIFIER.pattern() + " but was '" + prefix + "'");
      }
      this.tablePrefix = prefix;
      return this;
    }

    /** Sets the dialect instead of detecting it; {@link #build()} then opens no connection. */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Builds the journal. Without an explicit dialect this borrows one connection to detect it,
     * and fails naming the product when it is not supported.
     *
     * @throws IllegalArgumentException when the database is not supported
     * @throws SQLException when no connection could be had to detect the dialect
     */
    public JdbcFailedWriteJournal build() throws SQLException {
      Dialect d = dialect;
      if (d == null) {
        try (Connection c = dataSource.getConnection()) {
          String product = c.getMetaData().getDatabaseProductName();
          d = Dialect.fromProductName(product);
          if (d == null) {
            throw new IllegalArgumentException(
                "unsupported database '" + product + "'; supported: PostgreSQL, MySQL, MariaDB, H2;"
                    + " set dialect(...) for a compatible one");
          }
        }
      }
      return new JdbcFailedWriteJournal(dataSource, tablePrefix, d);
    }
  }
}
