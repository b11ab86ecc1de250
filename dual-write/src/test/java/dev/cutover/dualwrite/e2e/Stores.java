package dev.cutover.dualwrite.e2e;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.journal.JdbcFailedWriteJournal;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.LocalDynamoDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The two real stores of one test: a fresh PostgreSQL database (embedded server, pooled) with the
 * customers table and the failed-write journal, and a fresh table in DynamoDB Local.
 */
final class Stores implements AutoCloseable {
    final HikariDataSource pool;
    final JdbcCustomerRepository postgres;
    final JdbcFailedWriteJournal journal;
    final DynamoDbCustomerRepository dynamo;

    Stores(String name) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setDataSource(EmbeddedPostgresServer.get().createDatabase(name).dataSource());
        config.setMaximumPoolSize(16);
        config.setPoolName(name);
        pool = new HikariDataSource(config);
        postgres = new JdbcCustomerRepository(pool);
        postgres.createTable();
        journal = JdbcFailedWriteJournal.builder(pool).build();
        journal.createSchemaIfMissing();
        dynamo = new DynamoDbCustomerRepository(LocalDynamoDb.client(), name);
        dynamo.createTable();
    }

    /** Every row of PostgreSQL, by id, tags sorted. */
    Map<String, Customer> postgresRows() {
        List<Customer> all = new ArrayList<>();
        String after = "";
        for (List<Customer> page;
                !(page = postgres.page(after, 100)).isEmpty();
                after = page.get(page.size() - 1).id()) {
            all.addAll(page);
        }
        return rows(all);
    }

    /** Every item of DynamoDB, by id, tags sorted. */
    Map<String, Customer> dynamoRows() {
        return rows(dynamo.all());
    }

    private static Map<String, Customer> rows(List<Customer> customers) {
        return customers.stream()
                .map(Customer::canonical)
                .collect(Collectors.toMap(
                        Customer::id,
                        Function.identity(),
                        (a, b) -> {
                            throw new AssertionError("two rows for " + a.id());
                        },
                        TreeMap::new));
    }

    @Override
    public void close() {
        pool.close();
    }
}
