package dev.cutover.replication.internal.jdbc;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.spi.SegmentedSource;
import java.util.List;

/**
 * Every statement {@code JdbcCheckpointStore} runs, built once from the validated table name. The
 * statements are the same on PostgreSQL, MySQL/MariaDB and H2 (unquoted identifiers that no
 * dialect reserves; {@code LIMIT ?}); only the DDL differs. Every value is a {@code ?} parameter.
 *
 * <p>Each UPDATE also bumps {@code revision}, so a successful conditional write always changes
 * the row: drivers that report changed rather than matched rows still count it.
 */
public final class CheckpointSql {
    public final String table;
    public final String existing;
    public final String shape;
    public final String layout;
    public final String insert;
    public final String claimable;
    public final String claim;
    public final String claimed;
    public final String save;
    public final String done;
    public final String release;
    public final String all;

    public CheckpointSql(String table) {
        this.table = table;
        existing = "SELECT segment_no FROM " + table;
        shape = "SELECT COUNT(*), MIN(total_segments), MAX(total_segments), MIN(source_layout), MAX(source_layout)"
                + " FROM " + table;
        layout = "SELECT source_layout FROM " + table + " WHERE segment_no = 0";
        insert = "INSERT INTO " + table + " (segment_no, total_segments, source_layout, owner_id, claim_id,"
                + " lease_until_ms, resume_token, rows_read, is_done, revision, updated_at_ms)"
                + " VALUES (?, ?, ?, NULL, NULL, 0, NULL, 0, FALSE, 0, ?)";
        String claimableBy = " is_done = FALSE AND (owner_id IS NULL OR lease_until_ms <= ? OR owner_id = ?)";
        claimable = "SELECT segment_no FROM " + table + " WHERE" + claimableBy + " ORDER BY segment_no LIMIT ?";
        claim = "UPDATE " + table + " SET owner_id = ?, claim_id = ?, lease_until_ms = ?, revision = revision + 1,"
                + " updated_at_ms = ? WHERE segment_no = ? AND" + claimableBy;
        claimed = "SELECT resume_token, rows_read FROM " + table + " WHERE segment_no = ? AND claim_id = ?";
        String current = " WHERE segment_no = ? AND claim_id = ? AND is_done = FALSE AND lease_until_ms > ?";
        save = "UPDATE " + table + " SET resume_token = ?, rows_read = ?, lease_until_ms = ?, revision = revision + 1,"
                + " updated_at_ms = ?" + current;
        done = "UPDATE " + table + " SET is_done = TRUE, rows_read = ?, lease_until_ms = 0, revision = revision + 1,"
                + " updated_at_ms = ?" + current;
        release = "UPDATE " + table + " SET lease_until_ms = 0, revision = revision + 1, updated_at_ms = ?"
                + " WHERE segment_no = ? AND claim_id = ? AND is_done = FALSE";
        all = "SELECT segment_no, owner_id, lease_until_ms, resume_token, rows_read, is_done FROM " + table
                + " ORDER BY segment_no";
    }

    /** The DDL that creates the table if it is missing. */
    public static List<String> schema(SqlDialect dialect, String table, int maxOwnerLength, int maxTokenLength) {
        String token = dialect == SqlDialect.H2 ? "VARCHAR(" + maxTokenLength + ")" : "TEXT";
        String columns = "  segment_no INT NOT NULL PRIMARY KEY,\n"
                + "  total_segments INT NOT NULL,\n"
                + "  source_layout VARCHAR(" + SegmentedSource.MAX_LAYOUT_LENGTH + ") NOT NULL,\n"
                + "  owner_id VARCHAR(" + maxOwnerLength + "),\n"
                + "  claim_id VARCHAR(64),\n"
                + "  lease_until_ms BIGINT NOT NULL,\n"
                + "  resume_token " + token + ",\n"
                + "  rows_read BIGINT NOT NULL,\n"
                + "  is_done BOOLEAN NOT NULL,\n"
                + "  revision BIGINT NOT NULL,\n"
                + "  updated_at_ms BIGINT NOT NULL";
        String suffix = dialect == SqlDialect.MYSQL ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : "";
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (\n" + columns + "\n)" + suffix);
    }
}
