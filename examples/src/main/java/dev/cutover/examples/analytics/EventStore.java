package dev.cutover.examples.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The app's event store, the old side of the migration: one table of JSON documents, like the
 * Mongo collection of the story. Each row is one {@link Event}; the document is text, and only the
 * sequence, the entity id and the operation are columns, for the indexes.
 *
 * <pre>{@code
 * CREATE TABLE events (seq BIGSERIAL PRIMARY KEY, entity_id VARCHAR(64) NOT NULL, op VARCHAR(8) NOT NULL,
 *     body TEXT NOT NULL)
 * }</pre>
 *
 * <p>Thread-safe: every call borrows its own connection.
 */
public final class EventStore {
    static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    public EventStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Creates the table and its index on (entity_id, seq) unless they exist. */
    public void createSchema() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS events (seq BIGSERIAL PRIMARY KEY,"
                    + " entity_id VARCHAR(64) COLLATE \"C\" NOT NULL, op VARCHAR(8) NOT NULL, body TEXT NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS events_entity ON events (entity_id, seq)");
        }
    }

    /** Appends an event and returns it with the sequence number the store gave it. */
    public Event append(String type, String entityId, Event.Op op, Instant at, @Nullable ObjectNode data)
            throws SQLException {
        ObjectNode body = JSON.createObjectNode()
                .put("type", type)
                .put("entityId", entityId)
                .put("op", op.name())
                .put("at", at.toString());
        body.set("data", data);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO events (entity_id, op, body) VALUES (?, ?, ?) RETURNING seq")) {
            ps.setString(1, entityId);
            ps.setString(2, op.name());
            ps.setString(3, body.toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Event(rs.getLong(1), type, entityId, op, at, data);
            }
        }
    }

    /** Hands every event to {@code action}, oldest first, streaming them from the table. */
    public void forEach(Consumer<Event> action) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, body FROM events ORDER BY seq")) {
                ps.setFetchSize(5_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        action.accept(parse(rs.getLong(1), rs.getString(2)));
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** The newest event of an entity, if it has any. */
    public Optional<Event> latest(String entityId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT seq, body FROM events WHERE entity_id = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, entityId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(parse(rs.getLong(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** How many events the store holds. */
    public long count() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** An event from its stored document. */
    static Event parse(long seq, String body) {
        try {
            JsonNode doc = JSON.readTree(body);
            JsonNode data = doc.get("data");
            return new Event(
                    seq,
                    doc.get("type").asText(),
                    doc.get("entityId").asText(),
                    Event.Op.valueOf(doc.get("op").asText()),
                    Instant.parse(doc.get("at").asText()),
                    data instanceof ObjectNode o ? o : null);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("event " + seq + " is not a valid event document: " + e.getMessage(), e);
        }
    }
}
