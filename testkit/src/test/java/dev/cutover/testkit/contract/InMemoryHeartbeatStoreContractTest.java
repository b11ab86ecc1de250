package dev.cutover.testkit.contract;

import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.store.InMemoryFlagStore;

/** The heartbeat store contract against {@link InMemoryFlagStore}. */
class InMemoryHeartbeatStoreContractTest extends HeartbeatStoreContract {

    @Override
    protected HeartbeatStore createStore() {
        return new InMemoryFlagStore();
    }
}
