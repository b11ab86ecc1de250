package dev.cutover.cli.internal;

import dev.cutover.replication.Change;
import dev.cutover.replication.jdbc.JdbcRowMapper;
import dev.cutover.replication.spi.KeyReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads one row of a plain old table by key, as its {@code JdbcSource} reads it ({@code SELECT *},
 * every column into the payload): reconciliation's re-check and the authority of an old-to-new
 * repair. The table and column names were checked by the source's builder.
 */
final class JdbcKeyReader implements KeyReader {
    private final DataSource dataSource;
    private final String sql;
    private final String versionColumn;
    private final int keyType;

    private JdbcKeyReader(DataSource dataSource, String table, String keyColumn, String versionColumn, int keyType) {
        this.dataSource = dataSource;
        this.sql = "SELECT * FROM " + table + " WHERE " + keyColumn + " = ?";
        this.versionColumn = versionColumn;
        this.keyType = keyType;
    }

    static JdbcKeyReader of(DataSource dataSource, String table, String keyColumn, String versionColumn)
            throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + keyColumn + " FROM " + table + " WHERE 1 = 0")) {
            return new JdbcKeyReader(
                    dataSource,
                    table,
                    keyColumn,
                    versionColumn,
                    rs.getMetaData().getColumnType(1));
        }
    }

    @Override
    public Optional<Change> read(String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            switch (keyType) {
                case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> ps.setLong(1, Long.parseLong(key));
                case Types.DECIMAL, Types.NUMERIC -> ps.setBigDecimal(1, new BigDecimal(key));
                case Types.OTHER -> ps.setObject(1, UUID.fromString(key));
                default -> ps.setString(1, key);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(Change.upsert(
                                key,
                                rs.getLong(versionColumn),
                                JdbcRowMapper.allColumns().map(rs)))
                        : Optional.empty();
            }
        }
    }
}
