package dev.cutover.cli.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Read-only questions about a JDBC schema, asked before a command creates or writes anything: does
 * a table exist, which columns does it have. Names are matched as written, in upper case and in
 * lower case, in the connection's own catalog and schema.
 */
final class Schema {
    private static final Pattern CREATE_TABLE =
            Pattern.compile("(?i)CREATE\\s+TABLE\\s+IF\\s+NOT\\s+EXISTS\\s+[`\"]?([A-Za-z_][A-Za-z0-9_]*)");

    private Schema() {}

    /** A column: its name as the database spells it, its {@link java.sql.Types} code and type name. */
    record Column(String name, int jdbcType, String typeName) {}

    /** The tables {@code statements} create, in order. */
    static List<String> createdTables(List<String> statements) {
        Set<String> names = new LinkedHashSet<>();
        for (String s : statements) {
            Matcher m = CREATE_TABLE.matcher(s);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return new ArrayList<>(names);
    }

    /** Whether {@code table} exists. */
    static boolean exists(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return find(c, table).isPresent();
        }
    }

    /** The columns of {@code table} by lower-case name, or empty when the table does not exist. */
    static Optional<Map<String, Column>> columns(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection()) {
            Optional<String[]> found = find(c, table);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            String[] at = found.get();
            Map<String, Column> columns = new LinkedHashMap<>();
            try (ResultSet rs = c.getMetaData().getColumns(at[0], at[1], at[2], null)) {
                while (rs.next()) {
                    String name = rs.getString("COLUMN_NAME");
                    columns.put(
                            name.toLowerCase(Locale.ROOT),
                            new Column(name, rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME")));
                }
            }
            return Optional.of(columns);
        }
    }

    /** Catalog, schema and name of the table as the database spells them, if it exists. */
    private static Optional<String[]> find(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String catalog = c.getCatalog();
        String schema = schema(c);
        Set<String> spellings =
                new LinkedHashSet<>(List.of(table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)));
        for (String name : spellings) {
            try (ResultSet rs = md.getTables(catalog, schema, escape(md, name), null)) {
                while (rs.next()) {
                    if (rs.getString("TABLE_NAME").equals(name)) {
                        return Optional.of(new String[] {rs.getString("TABLE_CAT"), rs.getString("TABLE_SCHEM"), name});
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static @org.jspecify.annotations.Nullable String schema(Connection c) {
        try {
            return c.getSchema();
        } catch (SQLException | AbstractMethodError e) {
            return null;
        }
    }

    /** A name as a metadata pattern: {@code _} and {@code %} match only themselves. */
    private static String escape(DatabaseMetaData md, String name) throws SQLException {
        String esc = md.getSearchStringEscape();
        if (esc == null || esc.isEmpty()) {
            return name;
        }
        return name.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }
}
