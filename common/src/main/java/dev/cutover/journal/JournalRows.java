package dev.cutover.journal;

import dev.cutover.jdbc.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The parameters {@link JdbcFailedWriteJournal} binds and the rows it reads back, in the column
 * order of {@link JournalSql}'s statements. Times are kept to the millisecond, in UTC.
 */
final class JournalRows {
    private final SqlDialect dialect;
    private final String table;

    JournalRows(SqlDialect dialect, String table) {
        this.dialect = dialect;
        this.table = table;
    }

    /** Binds the columns of {@link JournalSql#insert}. */
    void bindWrite(PreparedStatement ps, FailedWrite w) throws SQLException {
        ps.setString(1, w.repository());
        ps.setString(2, w.method());
        ps.setString(3, w.entityKey());
        ps.setString(4, w.target().name());
        ps.setString(5, w.reason().name());
        ps.setString(6, w.detail());
        setInstant(ps, 7, w.at());
    }

    /** Binds the parameters of {@link JournalSql#gapUpdate} and {@link JournalSql#gapInsert}. */
    void bindGap(PreparedStatement ps, Gap g) throws SQLException {
        ps.setString(1, g.repository());
        ps.setString(2, g.kind().name());
        setInstant(ps, 3, g.from());
        setInstant(ps, 4, g.to());
        ps.setString(5, g.detail());
        ps.setString(6, g.id());
    }

    /**
     * The gap in the current row of {@link JournalSql#gaps}.
     *
     * @throws SQLException also when the row holds a kind this version does not know
     */
    Gap gap(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        Gap.Kind kind;
        try {
            kind = Gap.Kind.valueOf(rs.getString(3));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SQLException(
                    "gap " + id + " has kind '" + rs.getString(3) + "', which is not a " + Gap.Kind.class.getName()
                            + " of this version",
                    e);
        }
        Instant from = getInstant(rs, 4);
        Instant to = getInstant(rs, 5);
        String detail = rs.getString(6);
        return new Gap(id, rs.getString(2), kind, from, to.isBefore(from) ? from : to, detail == null ? "" : detail);
    }

    /**
     * The entry in the current row of {@link JournalSql#pending}.
     *
     * @throws SQLException also when the row holds a target or reason this version does not know
     */
    JournalEntry entry(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        String detail = rs.getString(7);
        FailedWrite write = new FailedWrite(
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                constant(FailedWrite.Target.class, "target", rs.getString(5), id),
                constant(FailedWrite.Reason.class, "reason", rs.getString(6), id),
                detail == null ? "" : detail,
                getInstant(rs, 8));
        return new JournalEntry(id, write);
    }

    private <E extends Enum<E>> E constant(Class<E> type, String column, String value, long id) throws SQLException {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SQLException(
                    "row " + id + " of " + table + " has " + column + " '" + value + "', which is not a "
                            + type.getName() + " of this version",
                    e);
        }
    }

    void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
        Instant ms = at.truncatedTo(ChronoUnit.MILLIS);
        if (dialect == SqlDialect.MYSQL) {
            // DATETIME holds what it is given: always UTC, whatever the session time zone
            ps.setObject(index, LocalDateTime.ofInstant(ms, ZoneOffset.UTC));
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(ms, ZoneOffset.UTC));
        }
    }

    private Instant getInstant(ResultSet rs, int index) throws SQLException {
        if (dialect == SqlDialect.MYSQL) {
            return rs.getObject(index, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
        return rs.getObject(index, OffsetDateTime.class).toInstant();
    }
}
