package dev.cutover.testkit.contract;

import dev.cutover.flags.store.InMemoryFlagStore;

/** The writable-store contract against {@link InMemoryFlagStore}. */
class InMemoryFlagStoreContractTest extends WritableFlagStoreContract<InMemoryFlagStore> {

    @Override
    protected InMemoryFlagStore createStore() {
        return new InMemoryFlagStore();
    }

    @Override
    protected void putRaw(InMemoryFlagStore store, String key, String json) {
        store.putRaw(key, json);
    }
}
