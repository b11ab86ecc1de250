package dev.cutover.cli;

import dev.cutover.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything a PostgreSQL database holds in schema {@code public}, as values: every relation
 * (tables, sequences, views, indexes) by name and kind, every table's columns with their types,
 * its indexes and constraints, and every row of every table in a deterministic order (by every
 * column as text). Two snapshots are equal exactly when nothing was created, altered or written in
 * between, so {@code assertThat(DatabaseSnapshot.of(db)).isEqualTo(before)} proves a command left
 * the database as it was, and AssertJ prints both sides when it did not.
 *
 * @param relations every relation of schema public as "kind name" (r table, S sequence, v view, i
 *     index ...), sorted
 * @param tables every table with its definition and rows, by name
 */
record DatabaseSnapshot(List<String> relations, List<Table> tables) {

    /**
     * One table.
     *
     * @param name the table's name
     * @param columns "name type [not null] [default ...]" in column order
     * @param indexes the indexes' definitions, sorted
     * @param constraints the constraints' definitions, sorted
     * @param rows every row, each column as text ("NULL" for null), sorted
     */
    record Table(String name, List<String> columns, List<String> indexes, List<String> constraints, List<String> rows) {
        @Override
        public String toString() {
            return "\n  table " + name + "\n    columns " + columns + "\n    indexes " + indexes + "\n    constraints "
                    + constraints + "\n    " + rows.size() + " rows"
                    + rows.stream().map(r -> "\n      " + r).collect(Collectors.joining());
        }
    }

    /** The state of {@code db} now. */
    static DatabaseSnapshot of(TestDatabase db) {
        try (Connection c = db.dataSource().getConnection()) {
            List<String> relations = strings(
                    c,
                    "SELECT cl.relkind || ' ' || cl.relname FROM pg_class cl JOIN pg_namespace n ON n.oid ="
                            + " cl.relnamespace WHERE n.nspname = 'public'");
            List<Table> tables = new ArrayList<>();
            for (String name : strings(
                    c,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                            + " AND table_type = 'BASE TABLE'")) {
                tables.add(table(c, name));
            }
            return new DatabaseSnapshot(List.copyOf(relations), List.copyOf(tables));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the state of database " + db.name(), e);
        }
    }

    private static Table table(Connection c, String name) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> columnNames = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT column_name, data_type, character_maximum_length, is_nullable, column_default"
                        + " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?"
                        + " ORDER BY ordinal_position")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columnNames.add(rs.getString(1));
                    columns.add(rs.getString(1) + " " + rs.getString(2)
                            + (rs.getObject(3) == null ? "" : "(" + rs.getInt(3) + ")")
                            + ("NO".equals(rs.getString(4)) ? " not null" : "")
                            + (rs.getString(5) == null ? "" : " default " + rs.getString(5)));
                }
            }
        }
        List<String> indexes =
                strings(c, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ?", name);
        List<String> constraints = strings(
                c,
                "SELECT co.conname || ' ' || pg_get_constraintdef(co.oid) FROM pg_constraint co"
                        + " JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace"
                        + " WHERE n.nspname = 'public' AND cl.relname = ?",
                name);
        List<String> rows = new ArrayList<>();
        if (!columnNames.isEmpty()) {
            StringBuilder select = new StringBuilder("SELECT ");
            StringBuilder order = new StringBuilder(" ORDER BY ");
            for (int i = 0; i < columnNames.size(); i++) {
                String text = "COALESCE(" + quote(columnNames.get(i)) + "::text, 'NULL')";
                select.append(i == 0 ? "" : ", ").append(text);
                order.append(i == 0 ? "" : ", ").append(text).append(" COLLATE \"C\"");
            }
            select.append(" FROM ").append(quote(name)).append(order);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(select.toString())) {
                while (rs.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= columnNames.size(); i++) {
                        values.add(rs.getString(i));
                    }
                    rows.add(String.join(" | ", values));
                }
            }
            Collections.sort(rows);
        }
        return new Table(name, List.copyOf(columns), List.copyOf(indexes), List.copyOf(constraints), List.copyOf(rows));
    }

    private static List<String> strings(Connection c, String sql, String... parameters) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** Whether a table of this name exists in schema public. */
    boolean hasTable(String name) {
        return tables.stream().anyMatch(t -> t.name().equals(name));
    }

    /** The names of the tables, sorted. */
    List<String> tableNames() {
        return tables.stream().map(Table::name).collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return "DatabaseSnapshot" + relations + tables;
    }
}
