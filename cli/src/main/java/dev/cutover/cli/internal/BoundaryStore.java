package dev.cutover.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Keeps a JDBC source's segment boundaries next to the backfill's checkpoints, in table {@code
 * cutover_backfill_boundaries}: the first run computes and saves them, and every later run and
 * every other process reads the same ones, which the checkpoints' resume tokens need.
 */
final class BoundaryStore {
    static final String TABLE = "cutover_backfill_boundaries";
    /** The checkpoint store's default table prefix. */
    static final String CHECKPOINT_PREFIX = "cutover_backfill_";

    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

    private final DataSource dataSource;

    BoundaryStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The saved boundaries of {@code backfill}, if any. */
    Optional<List<String>> load(String backfill) throws SQLException {
        create();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT boundaries FROM " + TABLE + " WHERE backfill_id = ?")) {
            ps.setString(1, backfill);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Json.MAPPER.readValue(rs.getString(1), LIST));
                } catch (JsonProcessingException e) {
                    throw new CliException(
                            Exit.FAILED,
                            "the saved boundaries of backfill '" + backfill + "' in " + TABLE
                                    + " are not a JSON list of keys: " + e.getOriginalMessage());
                }
            }
        }
    }

    /**
     * Saves {@code boundaries} unless another process saved some first; returns the ones saved.
     */
    List<String> saveFirst(String backfill, List<String> boundaries) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + TABLE + " (backfill_id, boundaries, created_at_ms) VALUES (?, ?, ?)")) {
            ps.setString(1, backfill);
            ps.setString(2, Json.MAPPER.writeValueAsString(boundaries));
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return boundaries;
        } catch (SQLException lostTheRace) {
            return load(backfill).orElseThrow(() -> lostTheRace);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void create() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            String text = product.contains("mysql") || product.contains("mariadb") ? "MEDIUMTEXT" : "VARCHAR(1000000)";
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                    + " (backfill_id VARCHAR(64) NOT NULL PRIMARY KEY, boundaries " + text
                    + " NOT NULL, created_at_ms BIGINT NOT NULL)");
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
