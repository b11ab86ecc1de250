package dev.cutover.flags.jdbc;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.fleet.Heartbeat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat table of {@link JdbcFlagStore}, {@code <prefix>instances}: one row per service and
 * instance, written by one upsert, never in a transaction with the flags, so it never moves the
 * revision or sends a push hint. Instants and the interval are kept to the millisecond.
 */
final class HeartbeatTable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcFlagStore.class);
    private static final List<String> KEY = List.of("service", "instance");
    private static final List<String> COLUMNS = List.of(
            "service", "instance", "revision", "stages", "state", "source", "sent_at", "interval_ms", "expires_at");

    private final DataSource dataSource;
    private final FlagConnections connections;
    private final JdbcDialect dialect;
    private final String prefix;
    private final String name;
    private final String upsert;
    private final String live;
    private final String delete;
    private final String deleteExpired;

    HeartbeatTable(DataSource dataSource, FlagConnections connections, JdbcDialect dialect, String prefix) {
        this.dataSource = dataSource;
        this.connections = connections;
        this.dialect = dialect;
        this.prefix = prefix;
        this.name = prefix + "instances";
        String table = dialect.quote(name);
        this.upsert = dialect.upsert(table, KEY, COLUMNS);
        this.live = "SELECT " + String.join(", ", COLUMNS.subList(0, 8)) + " FROM " + table + " WHERE expires_at > ?";
        this.delete = "DELETE FROM " + table + " WHERE service = ? AND instance = ?";
        this.deleteExpired = "DELETE FROM " + table + " WHERE expires_at <= ?";
    }

    /** The table's name, unquoted. */
    String name() {
        return name;
    }

    void createIfMissing() throws SQLException {
        connections.createSchema(List.of(dialect.heartbeatTable(prefix)), this::usable);
    }

    /** Whether the table can be read: after a failed create, another instance may have made it. */
    boolean usable() {
        try {
            read(Instant.ofEpochMilli(Long.MAX_VALUE));
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** One upsert of the heartbeat, to the millisecond (an interval below 1 ms is kept as 1 ms). */
    void put(Heartbeat heartbeat) throws SQLException {
        Heartbeat stored = toMillis(heartbeat);
        connections.autoCommitted(c -> {
            try (PreparedStatement ps = c.prepareStatement(upsert)) {
                ps.setString(1, stored.service());
                ps.setString(2, stored.instance());
                ps.setLong(3, stored.revision());
                ps.setString(4, stored.stagesJson());
                ps.setString(5, stored.state().name());
                ps.setString(6, stored.source().name());
                ps.setLong(7, stored.sentAt().toEpochMilli());
                ps.setLong(8, stored.interval().toMillis());
                ps.setLong(9, stored.expiresAt().toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    /**
     * The heartbeats not expired at {@code now}, filtered by the database; a row that is not a valid
     * heartbeat is skipped with a warning naming its service and instance.
     */
    List<Heartbeat> read(Instant now) throws SQLException {
        List<Heartbeat> beats = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(live)) {
            ps.setLong(1, epochMillis(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Heartbeat beat = row(rs, now);
                    if (beat != null) {
                        beats.add(beat);
                    }
                }
            }
        }
        return beats;
    }

    void remove(String service, String instance) throws SQLException {
        Heartbeat.checkName("service", service);
        Heartbeat.checkName("instance", instance);
        connections.autoCommitted(c -> {
            try (PreparedStatement ps = c.prepareStatement(delete)) {
                ps.setString(1, service);
                ps.setString(2, instance);
                return ps.executeUpdate();
            }
        });
    }

    int removeExpired(Instant now) throws SQLException {
        return connections.autoCommitted(c -> {
            try (PreparedStatement ps = c.prepareStatement(deleteExpired)) {
                ps.setLong(1, epochMillis(now));
                return ps.executeUpdate();
            }
        });
    }

    /** The heartbeat in the current row if it is valid and live at {@code now}, else null. */
    private @Nullable Heartbeat row(ResultSet rs, Instant now) throws SQLException {
        String service = rs.getString(1);
        String instance = rs.getString(2);
        try {
            Heartbeat beat = new Heartbeat(
                    service,
                    instance,
                    rs.getLong(3),
                    Heartbeat.parseStages(rs.getString(4)),
                    constant(ClientStatus.State.class, "state", rs.getString(5)),
                    constant(ClientStatus.Source.class, "source", rs.getString(6)),
                    Instant.ofEpochMilli(rs.getLong(7)),
                    Duration.ofMillis(rs.getLong(8)));
            // the row's expires_at said live; the heartbeat's own fields decide to the millisecond
            return beat.expiresAt().isAfter(now) ? beat : null;
        } catch (RuntimeException e) {
            LOG.warn(
                    "Skipped the heartbeat row of service {} instance {} in table {}: {}",
                    shown(service),
                    shown(instance),
                    name,
                    e.getMessage());
            return null;
        }
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String column, @Nullable String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(column + " must be one of " + Arrays.toString(type.getEnumConstants())
                + " but was " + (value == null ? "null" : "'" + printable(value) + "'"));
    }

    /** A name for the log: as it is when valid, else quoted with control characters replaced. */
    static String shown(@Nullable String name) {
        if (name == null || Heartbeat.isValidName(name)) {
            return String.valueOf(name);
        }
        return "'" + printable(name) + "'";
    }

    /** At most 140 characters of {@code text}, with control characters replaced by {@code ?}. */
    private static String printable(String text) {
        String cut = text.length() > 140 ? text.substring(0, 140) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * The heartbeat as the table keeps it: {@code sentAt} to the millisecond and the interval in
     * whole milliseconds, at least one, so that what is read back expires when the row does.
     */
    static Heartbeat toMillis(Heartbeat h) {
        Instant sentAt = h.sentAt().truncatedTo(ChronoUnit.MILLIS);
        Duration interval = Duration.ofMillis(Math.max(1, h.interval().toMillis()));
        if (sentAt.equals(h.sentAt()) && interval.equals(h.interval())) {
            return h;
        }
        return new Heartbeat(
                h.service(), h.instance(), h.revision(), h.stages(), h.state(), h.source(), sentAt, interval);
    }

    /** Epoch milliseconds, saturated at the ends of {@code long}. */
    private static long epochMillis(Instant at) {
        try {
            return at.toEpochMilli();
        } catch (ArithmeticException e) {
            return at.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
