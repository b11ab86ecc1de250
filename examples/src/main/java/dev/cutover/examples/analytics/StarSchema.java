package dev.cutover.examples.analytics;

import static dev.cutover.examples.analytics.StarColumns.integer;
import static dev.cutover.examples.analytics.StarColumns.measure;
import static dev.cutover.examples.analytics.StarColumns.text;
import static dev.cutover.examples.analytics.StarColumns.timestamp;

import dev.cutover.replication.Change;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The warehouse: a star schema of two dimensions and four fact tables on PostgreSQL, each table a
 * {@link JdbcVersionedTarget} with its own typed columns ({@link StarColumns}), together one
 * {@link VersionedTarget} that routes every change by the type prefix of its key. So one mirror,
 * one backfill and one reconciliation cover the whole schema.
 *
 * <pre>
 * dim_presentation  title, presenter, slide_count, started_at, ended_at
 * dim_viewer        name, country
 * fact_attendance   presentation_id, viewer_id, joined_at, left_at, watch_ms (measure)
 * fact_slide_view   presentation_id, viewer_id, slide, viewed_at
 * fact_poll_answer  presentation_id, viewer_id, poll, choice, answered_at
 * fact_question     presentation_id, viewer_id, text, upvotes, asked_at
 * </pre>
 *
 * <p>Every table also has the target's own columns: {@code entity_key} (the dimension's key that
 * facts refer to), {@code version}, {@code deleted} (a tombstone), {@code bucket} and {@code
 * applied_at}. Queries read live rows only ({@code NOT deleted}). There are no foreign keys on
 * purpose: changes arrive in any order, so a fact may land before its dimension row.
 *
 * <p>Thread-safe; a batch is applied table by table, each part with the target's conditional SQL.
 */
public final class StarSchema implements VersionedTarget {
    /** Segments per table: the reconciliation and backfill read 6 x 4. */
    private static final int SEGMENTS_PER_TABLE = 4;

    private final Map<String, JdbcVersionedTarget> byPrefix;
    private final List<JdbcVersionedTarget> tables;

    private StarSchema(Map<String, JdbcVersionedTarget> byPrefix) {
        this.byPrefix = byPrefix;
        this.tables = List.copyOf(byPrefix.values());
    }

    /** The tables' columns, by the key prefix of the entities each holds. */
    static Map<String, StarColumns> columnsByPrefix() {
        Map<String, StarColumns> layout = new LinkedHashMap<>();
        layout.put(
                "pres",
                StarColumns.of(
                        text("title"),
                        text("presenter"),
                        integer("slideCount"),
                        timestamp("startedAt"),
                        timestamp("endedAt")));
        layout.put("viewer", StarColumns.of(text("name"), text("country")));
        layout.put(
                "att",
                StarColumns.of(
                        text("presentationId"),
                        text("viewerId"),
                        timestamp("joinedAt"),
                        timestamp("leftAt"),
                        measure("watch_ms", a -> StarColumns.millisBetween(a, "joinedAt", "leftAt"))));
        layout.put(
                "view",
                StarColumns.of(text("presentationId"), text("viewerId"), integer("slide"), timestamp("viewedAt")));
        layout.put(
                "answer",
                StarColumns.of(
                        text("presentationId"),
                        text("viewerId"),
                        text("poll"),
                        text("choice"),
                        timestamp("answeredAt")));
        layout.put(
                "question",
                StarColumns.of(
                        text("presentationId"),
                        text("viewerId"),
                        text("text"),
                        integer("upvotes"),
                        timestamp("askedAt")));
        return layout;
    }

    /** The table that holds the entities of a key prefix. */
    static String tableOf(String prefix) {
        return switch (prefix) {
            case "pres" -> "dim_presentation";
            case "viewer" -> "dim_viewer";
            case "att" -> "fact_attendance";
            case "view" -> "fact_slide_view";
            case "answer" -> "fact_poll_answer";
            case "question" -> "fact_question";
            default -> throw new IllegalArgumentException("no star-schema table for entities '" + prefix + "-...'");
        };
    }

    /**
     * Builds the six targets and creates their tables, the facts' indexes on {@code presentation_id}
     * and the dimensions' on {@code entity_key}, unless they exist.
     */
    public static StarSchema create(DataSource dataSource) throws SQLException {
        Map<String, JdbcVersionedTarget> byPrefix = new LinkedHashMap<>();
        for (Map.Entry<String, StarColumns> e : columnsByPrefix().entrySet()) {
            JdbcVersionedTarget table = JdbcVersionedTarget.builder(dataSource)
                    .table(tableOf(e.getKey()))
                    .payloadColumns(e.getValue())
                    .segments(SEGMENTS_PER_TABLE)
                    .batchSize(500)
                    .build();
            table.createTableIfMissing();
            byPrefix.put(e.getKey(), table);
        }
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String fact : List.of("fact_attendance", "fact_slide_view", "fact_poll_answer", "fact_question")) {
                s.execute("CREATE INDEX IF NOT EXISTS " + fact + "_presentation ON " + fact + " (presentation_id)");
            }
            // the target's primary key is (bucket, entity_key); the reports find dimension rows by key alone
            for (String dim : List.of("dim_presentation", "dim_viewer")) {
                s.execute("CREATE INDEX IF NOT EXISTS " + dim + "_key ON " + dim + " (entity_key)");
            }
        }
        return new StarSchema(byPrefix);
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws SQLException {
        Map<JdbcVersionedTarget, List<Integer>> positions = new LinkedHashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            positions
                    .computeIfAbsent(route(changes.get(i).key()), t -> new ArrayList<>())
                    .add(i);
        }
        ApplyOutcome[] outcomes = new ApplyOutcome[changes.size()];
        for (Map.Entry<JdbcVersionedTarget, List<Integer>> e : positions.entrySet()) {
            List<Change> part = e.getValue().stream().map(changes::get).toList();
            List<ApplyOutcome> applied = e.getKey().apply(part);
            for (int i = 0; i < part.size(); i++) {
                outcomes[e.getValue().get(i)] = applied.get(i);
            }
        }
        return Arrays.asList(outcomes);
    }

    @Override
    public Optional<Change> read(String key) throws SQLException {
        return route(key).read(key);
    }

    @Override
    public long purgeTombstones(Instant appliedBefore) throws SQLException {
        long purged = 0;
        for (JdbcVersionedTarget t : tables) {
            purged += t.purgeTombstones(appliedBefore);
        }
        return purged;
    }

    /** Segments of all tables, one table after the other; each key is in its table's segments only. */
    @Override
    public int segments() {
        return tables.size() * SEGMENTS_PER_TABLE;
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws SQLException {
        if (segment < 0 || segment >= segments()) {
            throw new IllegalArgumentException("segment must be 0 to " + (segments() - 1) + " but was " + segment);
        }
        return tables.get(segment / SEGMENTS_PER_TABLE).readPage(segment % SEGMENTS_PER_TABLE, token, limit);
    }

    /** The tables in a fixed order, each split as its target splits it. */
    @Override
    public String layout() {
        return "star schema, " + tables.size() + " tables by key prefix, each "
                + tables.get(0).layout();
    }

    @Override
    public String describe() {
        return "star schema "
                + byPrefix.keySet().stream().map(StarSchema::tableOf).toList();
    }

    private JdbcVersionedTarget route(String key) {
        int dash = key.indexOf('-');
        JdbcVersionedTarget t = dash < 0 ? null : byPrefix.get(key.substring(0, dash));
        if (t == null) {
            throw new IllegalArgumentException("key '" + key + "' names no star-schema table: keys start with one of "
                    + byPrefix.keySet() + " and '-'");
        }
        return t;
    }
}
