package dev.cutover.flags.jdbc;

import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.testkit.contract.HeartbeatStoreContract;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The testkit's heartbeat store contract on one database. Every try gets its own table prefix and
 * the whole schema ({@code createSchemaIfMissing()} creates the heartbeat table with the flag
 * tables); concurrent writers are separate store instances over the same tables, as separate
 * processes would be.
 */
abstract class JdbcHeartbeatStoreContract extends HeartbeatStoreContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /** The database under test. */
    protected abstract DataSource dataSource();

    @Override
    protected HeartbeatStore createStore() throws Exception {
        JdbcFlagStore store = JdbcFlagStore.builder(dataSource())
                .tablePrefix("hb" + PREFIXES.incrementAndGet() + "_")
                .build();
        store.createSchemaIfMissing();
        return store;
    }

    @Override
    protected HeartbeatStore writer(HeartbeatStore store, int writer) throws Exception {
        JdbcFlagStore first = (JdbcFlagStore) store;
        return JdbcFlagStore.builder(dataSource())
                .tablePrefix(first.tablePrefix())
                .dialect(first.dialect())
                .build();
    }
}
