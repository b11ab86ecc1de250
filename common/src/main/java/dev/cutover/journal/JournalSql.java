package dev.cutover.journal;

import static dev.cutover.journal.JdbcFailedWriteJournal.MAX_DETAIL_LENGTH;
import static dev.cutover.journal.JdbcFailedWriteJournal.MAX_ENTITY_KEY_LENGTH;
import static dev.cutover.journal.JdbcFailedWriteJournal.MAX_METHOD_LENGTH;
import static dev.cutover.journal.JdbcFailedWriteJournal.MAX_REPOSITORY_LENGTH;

import dev.cutover.jdbc.SqlDialect;
import java.util.ArrayList;
import java.util.List;

/**
 * Every statement {@link JdbcFailedWriteJournal} runs, and its DDL, built once from the validated
 * table prefix. Identifiers are quoted; every value is a {@code ?} parameter: nothing a caller or
 * the journal supplies is concatenated in.
 */
final class JournalSql {
    /** Ids per {@code UPDATE ... IN (...)} of {@code resolve}: well below every driver's limit. */
    static final int RESOLVE_CHUNK = 500;

    final String table;
    final String insert;
    final String pending;
    final String pendingCount;
    final String sameKey;
    final String sameNullKey;
    private final String deletePrefix;
    final String gaps;
    final String gapUpdate;
    final String gapInsert;
    final String gapDelete;
    final String gapClose;
    private final String resolvePrefix;
    private final String resolveFullChunk;

    JournalSql(SqlDialect dialect, String prefix) {
        table = quote(dialect, prefix + "failed_writes");
        insert = "INSERT INTO " + table + " (repository, method, entity_key, target, reason, detail, at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)" + (dialect == SqlDialect.POSTGRESQL ? " RETURNING id" : "");
        pending = "SELECT id, repository, method, entity_key, target, reason, detail, at FROM " + table
                + " WHERE resolved_at IS NULL AND id > ? ORDER BY id LIMIT ?";
        pendingCount = "SELECT COUNT(*) FROM " + table + " WHERE resolved_at IS NULL";
        sameKey = "SELECT id FROM " + table
                + " WHERE resolved_at IS NULL AND entity_key = ? AND repository = ? AND target = ?";
        sameNullKey = "SELECT id FROM " + table
                + " WHERE resolved_at IS NULL AND entity_key IS NULL AND repository = ? AND target = ?";
        deletePrefix = "DELETE FROM " + table + " WHERE resolved_at IS NULL AND id IN (";
        String gapTable = quote(dialect, prefix + "gaps");
        gaps = "SELECT id, repository, kind, from_at, to_at, detail FROM " + gapTable
                + " WHERE closed_at IS NULL ORDER BY from_at, id";
        gapUpdate = "UPDATE " + gapTable
                + " SET repository = ?, kind = ?, from_at = ?, to_at = ?, detail = ?, closed_at = NULL WHERE id = ?";
        gapInsert =
                "INSERT INTO " + gapTable + " (repository, kind, from_at, to_at, detail, id) VALUES (?, ?, ?, ?, ?, ?)";
        gapDelete = "DELETE FROM " + gapTable + " WHERE id = ?";
        gapClose = "UPDATE " + gapTable + " SET closed_at = ? WHERE closed_at IS NULL AND to_at < ?";
        resolvePrefix = "UPDATE " + table + " SET resolved_at = ? WHERE resolved_at IS NULL AND id IN (";
        resolveFullChunk = buildResolve(RESOLVE_CHUNK);
    }

    /** Marks up to {@link #RESOLVE_CHUNK} ids resolved; parameter 1 is the time, then the ids. */
    String resolve(int ids) {
        return ids == RESOLVE_CHUNK ? resolveFullChunk : buildResolve(ids);
    }

    /** Deletes pending rows by id (the ones an append replaced); parameters: the ids. */
    String deletePending(int ids) {
        StringBuilder sql = new StringBuilder(deletePrefix.length() + ids * 3 + 1).append(deletePrefix);
        for (int i = 0; i < ids; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        return sql.append(')').toString();
    }

    private String buildResolve(int ids) {
        StringBuilder sql = new StringBuilder(resolvePrefix.length() + ids * 3 + 1).append(resolvePrefix);
        for (int i = 0; i < ids; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        return sql.append(')').toString();
    }

    /** The DDL that creates the tables and their indexes if missing, one statement per element. */
    static List<String> schema(SqlDialect dialect, String prefix) {
        List<String> all = new ArrayList<>(journalSchema(dialect, prefix));
        all.addAll(gapSchema(dialect, prefix));
        return all;
    }

    private static List<String> gapSchema(SqlDialect dialect, String prefix) {
        String table = quote(dialect, prefix + "gaps");
        String timestamp = dialect == SqlDialect.MYSQL ? "DATETIME(3)" : "TIMESTAMP(3) WITH TIME ZONE";
        String columns = "  id VARCHAR(" + JdbcFailedWriteJournal.MAX_GAP_ID_LENGTH + ") NOT NULL PRIMARY KEY,\n"
                + "  repository VARCHAR(" + MAX_REPOSITORY_LENGTH + ") NOT NULL,\n"
                + "  kind VARCHAR(16) NOT NULL,\n"
                + "  from_at " + timestamp + " NOT NULL,\n"
                + "  to_at " + timestamp + " NOT NULL,\n"
                + "  detail VARCHAR(" + MAX_DETAIL_LENGTH + ") NOT NULL,\n"
                + "  closed_at " + timestamp;
        String tail =
                dialect == SqlDialect.MYSQL ? "\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : "\n)";
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (\n" + columns + tail);
    }

    private static List<String> journalSchema(SqlDialect dialect, String prefix) {
        String table = quote(dialect, prefix + "failed_writes");
        String index = quote(dialect, prefix + "failed_writes_pending");
        String keyIndex = quote(dialect, prefix + "failed_writes_key");
        String timestamp = dialect == SqlDialect.MYSQL ? "DATETIME(3)" : "TIMESTAMP(3) WITH TIME ZONE";
        String id = dialect == SqlDialect.MYSQL
                ? "BIGINT NOT NULL AUTO_INCREMENT"
                : "BIGINT GENERATED BY DEFAULT AS IDENTITY";
        String columns = "  id " + id + " PRIMARY KEY,\n"
                + "  repository VARCHAR(" + MAX_REPOSITORY_LENGTH + ") NOT NULL,\n"
                + "  method VARCHAR(" + MAX_METHOD_LENGTH + ") NOT NULL,\n"
                + "  entity_key VARCHAR(" + MAX_ENTITY_KEY_LENGTH + "),\n"
                + "  target VARCHAR(16) NOT NULL,\n"
                + "  reason VARCHAR(32) NOT NULL,\n"
                + "  detail VARCHAR(" + MAX_DETAIL_LENGTH + ") NOT NULL,\n"
                + "  at " + timestamp + " NOT NULL,\n"
                + "  resolved_at " + timestamp;
        return switch (dialect) {
            // a partial index: it holds only the pending rows, however many were resolved
            case POSTGRESQL ->
                List.of(
                        "CREATE TABLE IF NOT EXISTS " + table + " (\n" + columns + "\n)",
                        "CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (id) WHERE resolved_at IS NULL",
                        "CREATE INDEX IF NOT EXISTS " + keyIndex + " ON " + table + " (entity_key, repository, target)"
                                + " WHERE resolved_at IS NULL");
            // no CREATE INDEX IF NOT EXISTS in MySQL: the index is declared with the table
            case MYSQL ->
                List.of(
                        "CREATE TABLE IF NOT EXISTS " + table + " (\n" + columns + ",\n  INDEX " + index
                                + " (resolved_at, id),\n  INDEX " + keyIndex
                                + " (entity_key(191), repository(64), target)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
            case H2 ->
                List.of(
                        "CREATE TABLE IF NOT EXISTS " + table + " (\n" + columns + "\n)",
                        "CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (resolved_at, id)",
                        "CREATE INDEX IF NOT EXISTS " + keyIndex + " ON " + table
                                + " (entity_key, repository, target)");
        };
    }

    /** Quotes an identifier that has already been validated. */
    static String quote(SqlDialect dialect, String identifier) {
        char q = dialect == SqlDialect.MYSQL ? '`' : '"';
        return q + identifier + q;
    }
}
