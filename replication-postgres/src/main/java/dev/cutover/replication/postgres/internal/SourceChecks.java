package dev.cutover.replication.postgres.internal;

import dev.cutover.replication.postgres.PostgresCaptureException;
import dev.cutover.replication.postgres.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks, before Debezium starts, that the source can be captured as configured, so a
 * misconfiguration fails at once with a message naming the bad setting, table, column or
 * privilege rather than deep inside the engine; creates the publication when it is missing.
 *
 * <p>Checked in this order: the connection, {@code wal_level}, the user's REPLICATION attribute,
 * {@code max_replication_slots} and {@code max_wal_senders}, every table (exists, readable, key
 * columns exist and lie in its replica identity), the slot (free, pgoutput, this database) and
 * the publication (publishes inserts, updates and deletes of every table). Creates the publication
 * and the slot when missing: the slot before Debezium starts, so its position is known and every
 * transaction committed after it is captured.
 */
public final class SourceChecks {
    private final SourceSettings source;
    private final List<TableMapping> tables;
    private final String slot;
    private final String publication;

    public SourceChecks(SourceSettings source, List<TableMapping> tables, String slot, String publication) {
        this.source = source;
        this.tables = List.copyOf(tables);
        this.slot = slot;
        this.publication = publication;
    }

    /**
     * Runs every check and creates the publication if missing.
     *
     * @return the slot's position: where it was created now, or where it confirmed up to when it
     *     already existed; a capture without a stored offset starts streaming there
     * @throws PostgresCaptureException naming what is wrong and how to fix it
     */
    public long run() {
        try (Connection c = connect()) {
            walLevel(c);
            replicationPrivilege(c);
            senderSettings(c);
            for (TableMapping table : tables) {
                table(c, table);
            }
            publication(c);
            return slot(c);
        } catch (SQLException e) {
            throw new PostgresCaptureException(
                    "could not check source " + source.describe() + " for change data capture: " + e.getMessage(), e);
        }
    }

    private Connection connect() {
        try {
            return source.connect();
        } catch (SQLException e) {
            throw new PostgresCaptureException(
                    "cannot connect to source " + source.describe() + " as user '" + source.user() + "': "
                            + e.getMessage(),
                    e);
        }
    }

    private void walLevel(Connection c) throws SQLException {
        String level = queryString(c, "SHOW wal_level");
        if (!"logical".equals(level)) {
            throw new PostgresCaptureException("wal_level is '" + level + "' on source " + source.describe()
                    + "; change data capture needs wal_level = logical (ALTER SYSTEM SET wal_level = logical,"
                    + " then restart PostgreSQL)");
        }
    }

    private void replicationPrivilege(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    throw new PostgresCaptureException("user '" + source.user() + "' may not stream changes from "
                            + source.describe() + ": it needs the REPLICATION attribute (ALTER ROLE \""
                            + source.user() + "\" REPLICATION) or superuser");
                }
            }
        }
    }

    private void senderSettings(Connection c) throws SQLException {
        for (String setting : List.of("max_replication_slots", "max_wal_senders")) {
            long value = Long.parseLong(queryString(c, "SHOW " + setting));
            if (value < 1) {
                throw new PostgresCaptureException(setting + " is " + value + " on source " + source.describe()
                        + "; change data capture needs at least 1 (set it in postgresql.conf, then restart)");
            }
        }
    }

    private void table(Connection c, TableMapping table) throws SQLException {
        long oid;
        String identity;
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, c.relreplident::text FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.tableName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new PostgresCaptureException("table '" + table.table() + "' does not exist in source "
                            + source.describe() + " (names are compared as stored: unquoted names are lower case)");
                }
                oid = rs.getLong(1);
                identity = rs.getString(2);
            }
        }
        if (!queryBoolean(c, "SELECT has_table_privilege(" + oid + "::oid, 'SELECT')")) {
            throw new PostgresCaptureException("user '" + source.user() + "' may not read table '" + table.table()
                    + "' in " + source.describe() + " (GRANT SELECT ON " + table.table() + " TO \"" + source.user()
                    + "\")");
        }
        List<String> columns = strings(
                c,
                "SELECT attname FROM pg_attribute WHERE attrelid = " + oid
                        + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
        if (table.keyColumns().isEmpty()) {
            throw new PostgresCaptureException("table '" + table.table() + "' has no key columns in its mapping;"
                    + " name them with TableMapping.key(...) (columns: " + columns + ")");
        }
        for (String key : table.keyColumns()) {
            if (!columns.contains(key)) {
                throw new PostgresCaptureException("key column '" + key + "' is not a column of table '" + table.table()
                        + "' (columns: " + columns + ")");
            }
        }
        Set<String> identityColumns = identityColumns(c, oid, identity, columns);
        if (!identityColumns.containsAll(table.keyColumns())) {
            throw new PostgresCaptureException("key columns " + table.keyColumns() + " of table '" + table.table()
                    + "' are not all in its replica identity "
                    + (identityColumns.isEmpty() ? "(none)" : identityColumns)
                    + ", so its deletes could not be keyed: key on the primary key, or ALTER TABLE " + table.table()
                    + " REPLICA IDENTITY FULL");
        }
    }

    private static Set<String> identityColumns(Connection c, long oid, String identity, List<String> columns)
            throws SQLException {
        String indexFilter;
        switch (identity) {
            case "f":
                return new LinkedHashSet<>(columns);
            case "d":
                indexFilter = "i.indisprimary";
                break;
            case "i":
                indexFilter = "i.indisreplident";
                break;
            default:
                return Set.of();
        }
        return new LinkedHashSet<>(strings(
                c,
                "SELECT a.attname FROM pg_index i"
                        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                        + " WHERE i.indrelid = " + oid + " AND " + indexFilter));
    }

    private long slot(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT plugin, slot_type, database, active, active_pid,"
                + " (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    String plugin = rs.getString(1);
                    if (!"logical".equals(rs.getString(2)) || !"pgoutput".equals(plugin)) {
                        throw new PostgresCaptureException("replication slot '" + slot + "' on " + source.describe()
                                + " is a " + rs.getString(2) + " slot of plugin '" + plugin
                                + "'; the capture needs a logical slot of pgoutput: name another slot");
                    }
                    if (!source.database().equals(rs.getString(3))) {
                        throw new PostgresCaptureException("replication slot '" + slot + "' belongs to database '"
                                + rs.getString(3) + "', not '" + source.database() + "': name another slot");
                    }
                    if (rs.getBoolean(4)) {
                        throw new PostgresCaptureException("replication slot '" + slot + "' on " + source.describe()
                                + " is in use by server process " + rs.getLong(5)
                                + " (another capture of the same slot?)");
                    }
                    return rs.getLong(6);
                }
            }
        }
        long max = Long.parseLong(queryString(c, "SHOW max_replication_slots"));
        long used = queryLong(c, "SELECT count(*) FROM pg_replication_slots");
        if (used >= max) {
            throw new PostgresCaptureException("no free replication slot on " + source.describe()
                    + " for slot '" + slot + "': max_replication_slots = " + max + " and " + used
                    + " are in use (drop an unused one, or raise max_replication_slots and restart)");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT (lsn - '0/0'::pg_lsn)::bigint FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new PostgresCaptureException(
                    "could not create replication slot '" + slot + "' on " + source.describe() + ": " + e.getMessage(),
                    e);
        }
    }

    private void publication(Connection c) throws SQLException {
        Set<String> wanted =
                tables.stream().map(TableMapping::table).collect(Collectors.toCollection(LinkedHashSet::new));
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pubinsert AND pubupdate AND pubdelete FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    createPublication(c, wanted);
                    return;
                }
                if (!rs.getBoolean(1)) {
                    throw new PostgresCaptureException("publication '" + publication + "' on " + source.describe()
                            + " does not publish all of insert, update and delete (ALTER PUBLICATION " + publication
                            + " SET (publish = 'insert, update, delete'))");
                }
            }
        }
        List<String> published = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    published.add(rs.getString(1));
                }
            }
        }
        Set<String> missing = new LinkedHashSet<>(wanted);
        missing.removeAll(published);
        if (!missing.isEmpty()) {
            throw new PostgresCaptureException("publication '" + publication + "' on " + source.describe()
                    + " does not publish " + missing + " (ALTER PUBLICATION " + publication + " ADD TABLE "
                    + String.join(", ", missing) + ")");
        }
    }

    private void createPublication(Connection c, Set<String> wanted) {
        String ddl = "CREATE PUBLICATION " + publication + " FOR TABLE " + String.join(", ", wanted);
        try (Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            throw new PostgresCaptureException(
                    "could not create publication '" + publication + "' on "
                            + source.describe() + " as user '" + source.user() + "': " + e.getMessage()
                            + "; create it as the tables' owner: " + ddl,
                    e);
        }
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        return Long.parseLong(queryString(c, sql));
    }

    private static boolean queryBoolean(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
