package dev.cutover.flags.jdbc;

import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.testkit.contract.WritableFlagStoreContract;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The testkit's store contract on one database. Every test gets its own table prefix, so tests
 * never see each other's rows; concurrent writers are separate store instances over the same
 * tables, as separate processes would be.
 */
abstract class JdbcFlagStoreContract extends WritableFlagStoreContract<JdbcFlagStore> {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /** The database under test. */
    protected abstract DataSource dataSource();

    @Override
    protected JdbcFlagStore createStore() throws Exception {
        JdbcFlagStore store = JdbcFlagStore.builder(dataSource())
                .tablePrefix("c" + PREFIXES.incrementAndGet() + "_")
                .build();
        store.createSchemaIfMissing();
        return store;
    }

    @Override
    protected void putRaw(JdbcFlagStore store, String key, String json) throws Exception {
        RawRows.put(dataSource(), store, key, json);
    }

    @Override
    protected WritableFlagStore writer(JdbcFlagStore store, int writer) throws Exception {
        return closeAfterTest(JdbcFlagStore.builder(dataSource())
                .tablePrefix(store.tablePrefix())
                .dialect(store.dialect())
                .build());
    }
}
