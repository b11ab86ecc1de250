package dev.cutover.flags.jdbc;

/**
 * Every statement {@link JdbcFlagStore} runs, built once from validated, quoted identifiers. All
 * values are {@code ?} parameters: nothing a user or the store supplies is concatenated in.
 */
final class Sql {
    final String readRevision;
    final String lockRevision;
    final String bumpRevision;
    final String loadAll;
    final String getOne;
    final String lockOne;
    final String lastVersion;
    final String insertFlag;
    final String updateFlag;
    final String deleteFlag;
    final String insertAudit;
    final String history;

    Sql(JdbcDialect dialect, String prefix) {
        String flags = dialect.quote(prefix + "flags");
        String revision = dialect.quote(prefix + "revision");
        String audit = dialect.quote(prefix + "audit");
        readRevision = "SELECT revision FROM " + revision + " WHERE id = 1";
        lockRevision = readRevision + " FOR UPDATE";
        bumpRevision = "UPDATE " + revision + " SET revision = ? WHERE id = 1";
        loadAll = "SELECT flag_key, version, body FROM " + flags;
        getOne = "SELECT flag_key, version, body FROM " + flags + " WHERE flag_key = ?";
        lockOne = getOne + " FOR UPDATE";
        lastVersion = "SELECT COALESCE(MAX(version), 0) FROM " + audit + " WHERE flag_key = ?";
        insertFlag =
                "INSERT INTO " + flags + " (flag_key, version, body, updated_at_ms, updated_by) VALUES (?, ?, ?, ?, ?)";
        updateFlag = "UPDATE " + flags + " SET version = ?, body = ?, updated_at_ms = ?, updated_by = ?"
                + " WHERE flag_key = ? AND version = ?";
        deleteFlag = "DELETE FROM " + flags + " WHERE flag_key = ? AND version = ?";
        insertAudit = "INSERT INTO " + audit
                + " (flag_key, version, actor, reason, before_body, after_body, at_ms, revision)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        history = "SELECT version, actor, reason, before_body, after_body, at_ms, revision FROM " + audit
                + " WHERE flag_key = ? AND revision < ? ORDER BY revision DESC LIMIT ?";
    }
}
