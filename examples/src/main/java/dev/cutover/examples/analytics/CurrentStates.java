package dev.cutover.examples.analytics;

import dev.cutover.replication.Change;
import dev.cutover.replication.jdbc.JdbcSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The old store read as entities instead of events: the newest event of every entity that is not
 * deleted, with its sequence number as the version. This is what the backfill copies and what the
 * reconciliation compares with the warehouse; the same version means the same state on every path
 * (the mirror uses the event's sequence number too).
 */
final class CurrentStates {
    /** One row per live entity; {@code JdbcSource} adds the key range, order and limit of each page. */
    static final String QUERY = "SELECT e.entity_id, e.seq, e.body FROM events e WHERE e.op <> 'DELETE'"
            + " AND e.seq = (SELECT max(x.seq) FROM events x WHERE x.entity_id = e.entity_id)";

    private final EventStore store;
    private final DataSource dataSource;

    CurrentStates(EventStore store, DataSource dataSource) {
        this.store = Objects.requireNonNull(store, "store");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A source over the current states, read in {@code segments} ranges of the entity id. */
    JdbcSource source(int segments) throws SQLException {
        return JdbcSource.builder(dataSource)
                .query(QUERY)
                .keyColumn("entity_id")
                .versionColumn("seq")
                .rowMapper(row -> Objects.requireNonNull(EventStore.parse(row.getLong("seq"), row.getString("body"))
                        .data()))
                .segments(segments)
                .build();
    }

    /** One entity's current state, for re-checks: an upsert, a delete (its last event), or empty. */
    Optional<Change> read(String entityId) throws SQLException {
        return store.latest(entityId).map(AnalyticsMigration::toChange);
    }

    /** How many entities are live now. */
    long count() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + QUERY + ") live")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
