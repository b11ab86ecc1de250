package dev.cutover.flags.jdbc;

import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.RawFlag;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The parameters {@link JdbcFlagStore} binds and the rows it reads back, in the column order of
 * {@link Sql}'s statements; and the size limit of a flag body.
 */
final class FlagRows {
    private final int maxFlagBytes;

    FlagRows(int maxFlagBytes) {
        this.maxFlagBytes = maxFlagBytes;
    }

    /** A stored row as the client receives it: rejected when its version or size is out of bounds. */
    RawFlag raw(String key, long version, String body) {
        if (version < 1) {
            return RawFlag.rejected(key, 1, "stored version " + version + " is not a positive number");
        }
        int bytes = body.length() > maxFlagBytes / 4 ? body.getBytes(StandardCharsets.UTF_8).length : body.length();
        if (bytes > maxFlagBytes) {
            return RawFlag.rejected(key, version, "body of " + bytes + " bytes exceeds the limit of " + maxFlagBytes);
        }
        return new RawFlag(key, version, body);
    }

    /**
     * The UTF-8 size of a body about to be written.
     *
     * @throws IllegalArgumentException when it exceeds the limit, naming the flag
     */
    void checkSize(String key, String body) {
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxFlagBytes) {
            throw new IllegalArgumentException(
                    "flag '" + key + "' is " + bytes + " bytes of JSON, over the limit of " + maxFlagBytes);
        }
    }

    /** Binds {@link Sql#insertFlag}. */
    static void bindInsert(PreparedStatement ps, String key, long version, String body, Instant at, String actor)
            throws SQLException {
        ps.setString(1, key);
        ps.setLong(2, version);
        ps.setString(3, body);
        ps.setLong(4, at.toEpochMilli());
        ps.setString(5, actor);
    }

    /** Binds {@link Sql#updateFlag}: the new row, then the key and the version it replaces. */
    static void bindUpdate(
            PreparedStatement ps, String key, long version, String body, Instant at, String actor, long replaced)
            throws SQLException {
        ps.setLong(1, version);
        ps.setString(2, body);
        ps.setLong(3, at.toEpochMilli());
        ps.setString(4, actor);
        ps.setString(5, key);
        ps.setLong(6, replaced);
    }

    /** Binds {@link Sql#insertAudit}. */
    static void bindAudit(
            PreparedStatement ps,
            String key,
            long version,
            AuditInfo audit,
            @Nullable String before,
            @Nullable String after,
            Instant at,
            long revision)
            throws SQLException {
        ps.setString(1, key);
        ps.setLong(2, version);
        ps.setString(3, audit.actor());
        ps.setString(4, audit.reason());
        ps.setString(5, before);
        ps.setString(6, after);
        ps.setLong(7, at.toEpochMilli());
        ps.setLong(8, revision);
    }

    /** The audit record of {@code key} in the current row of {@link Sql#history}. */
    static AuditRecord auditRecord(String key, ResultSet rs) throws SQLException {
        return new AuditRecord(
                key,
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)),
                rs.getLong(7));
    }
}
