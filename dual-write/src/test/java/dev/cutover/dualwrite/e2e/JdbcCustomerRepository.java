package dev.cutover.dualwrite.e2e;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The old store: customers in a PostgreSQL table, one statement per call on a pooled connection. */
final class JdbcCustomerRepository implements CustomerRepository {
    static final String DDL = "CREATE TABLE customers (id text PRIMARY KEY, name text NOT NULL, tier text NOT NULL,"
            + " tags text[] NOT NULL, updated_at timestamptz NOT NULL)";
    private static final String COLUMNS = "id, name, tier, tags, updated_at";
    /** Below the proxy's shadow budget would be better; the budget interrupts anyway, JDBC calls ignore it. */
    private static final int QUERY_TIMEOUT_SECONDS = 5;

    private final DataSource dataSource;

    JdbcCustomerRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void createTable() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(DDL);
        } catch (SQLException e) {
            throw failed("create table", e);
        }
    }

    @Override
    public Optional<Customer> find(String id) {
        List<Customer> rows = query("SELECT " + COLUMNS + " FROM customers WHERE id = ?", id);
        return rows.stream().findFirst();
    }

    @Override
    public List<Customer> listByTier(String tier) {
        return query("SELECT " + COLUMNS + " FROM customers WHERE tier = ? ORDER BY id", tier);
    }

    /** Up to {@code limit} customers with an id above {@code afterId}, by id: one page of a backfill. */
    List<Customer> page(String afterId, int limit) {
        return query("SELECT " + COLUMNS + " FROM customers WHERE id > ? ORDER BY id LIMIT " + limit, afterId);
    }

    @Override
    public Customer save(Customer customer) {
        String sql = "INSERT INTO customers (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, tier = EXCLUDED.tier, tags = EXCLUDED.tags,"
                + " updated_at = EXCLUDED.updated_at RETURNING " + COLUMNS;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            ps.setString(1, customer.id());
            ps.setString(2, customer.name());
            ps.setString(3, customer.tier());
            ps.setArray(4, c.createArrayOf("text", customer.tags().toArray()));
            ps.setObject(5, OffsetDateTime.ofInstant(customer.updatedAt(), ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return row(rs);
            }
        } catch (SQLException e) {
            throw failed("save", e);
        }
    }

    @Override
    public void delete(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM customers WHERE id = ?")) {
            ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            ps.setString(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("delete", e);
        }
    }

    private List<Customer> query(String sql, String parameter) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                List<Customer> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw failed("query", e);
        }
    }

    private static Customer row(ResultSet rs) throws SQLException {
        Array tags = rs.getArray("tags");
        return new Customer(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("tier"),
                Arrays.asList((String[]) tags.getArray()),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static RuntimeException failed(String what, SQLException e) {
        return new IllegalStateException("PostgreSQL " + what + " failed: " + e.getSQLState(), e);
    }
}
