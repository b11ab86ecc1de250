package dev.cutover.replication.internal.jdbc;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The key column of a JDBC source: how its values become change keys (text) and how a key as
 * text is bound back as a parameter of the column's own type, so that keyset comparisons run in
 * the database's order, on its index.
 */
public enum SourceKeys {
    /** Integer columns: keys are decimal digits. */
    INTEGER,
    /** {@code DECIMAL}/{@code NUMERIC} columns: keys are plain decimal text. */
    DECIMAL,
    /** Character columns. */
    TEXT,
    /** UUID columns (PostgreSQL {@code uuid}, H2 {@code UUID}). */
    UUID_TYPE;

    /** The kind of the first column of {@code meta}, or null when keys of that type are not supported. */
    static @Nullable SourceKeys of(ResultSetMetaData meta) throws SQLException {
        int type = meta.getColumnType(1);
        String name = meta.getColumnTypeName(1).toLowerCase(Locale.ROOT);
        if (name.equals("uuid")) {
            return UUID_TYPE;
        }
        return switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> INTEGER;
            case Types.DECIMAL, Types.NUMERIC -> meta.getScale(1) == 0 ? DECIMAL : null;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR -> TEXT;
            default -> null;
        };
    }

    /** The key of the current row as text, or null when the column is NULL. */
    @Nullable
    String read(ResultSet rs, int column) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null) {
            return null;
        }
        return switch (this) {
            case INTEGER -> Long.toString(rs.getLong(column));
            case DECIMAL -> rs.getBigDecimal(column).toPlainString();
            case TEXT -> rs.getString(column);
            case UUID_TYPE -> value.toString();
        };
    }

    /** Binds a key this source read (as text). */
    void bind(PreparedStatement ps, int index, String key) throws SQLException {
        switch (this) {
            case INTEGER -> ps.setLong(index, Long.parseLong(key));
            case DECIMAL -> ps.setBigDecimal(index, new BigDecimal(key));
            case TEXT -> ps.setString(index, key);
            case UUID_TYPE -> ps.setObject(index, UUID.fromString(key));
        }
    }

    /** Whether {@code key} could have been read from a column of this kind. */
    public boolean accepts(String key) {
        try {
            switch (this) {
                case INTEGER -> Long.parseLong(key);
                case DECIMAL -> new BigDecimal(key);
                case UUID_TYPE -> UUID.fromString(key);
                case TEXT -> {}
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
