package dev.cutover.testkit.contract;

import dev.cutover.flags.Flag;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.flags.store.InMemoryFlagStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The writable-store contract with its race hook and several writer instances in use: a store
 * front that reads the current version before delegating the compare-and-set, as a database store
 * would, over one shared {@link InMemoryFlagStore} "database".
 */
class RaceSeamStoreContractTest extends WritableFlagStoreContract<RaceSeamStoreContractTest.Front> {

    @Override
    protected Front createStore() {
        return new Front(new InMemoryFlagStore());
    }

    @Override
    protected void putRaw(Front store, String key, String json) {
        store.database.putRaw(key, json);
    }

    @Override
    protected WritableFlagStore writer(Front store, int writer) {
        return writer == 0 ? store : new Front(store.database);
    }

    @Override
    protected boolean injectWriteRace(Front store, Runnable competingWrite) {
        store.race.set(competingWrite);
        return true;
    }

    /** A second process's view of a shared database, with a seam between read and write. */
    static final class Front implements WritableFlagStore {
        final InMemoryFlagStore database;
        final AtomicReference<@Nullable Runnable> race = new AtomicReference<>();

        Front(InMemoryFlagStore database) {
            this.database = database;
        }

        private void betweenReadAndWrite(String key) {
            database.get(key); // the read a multi-step store makes
            Runnable r = race.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }

        @Override
        public Optional<RawFlag> get(String key) {
            return database.get(key);
        }

        @Override
        public Flag put(Flag flag, long expectedVersion, AuditInfo audit) {
            betweenReadAndWrite(flag.key());
            return database.put(flag, expectedVersion, audit);
        }

        @Override
        public void delete(String key, long expectedVersion, AuditInfo audit) {
            betweenReadAndWrite(key);
            database.delete(key, expectedVersion, audit);
        }

        @Override
        public AuditPage history(String key, @Nullable String pageToken, int pageSize) {
            return database.history(key, pageToken, pageSize);
        }

        @Override
        public StoreSnapshot load() {
            return database.load();
        }

        @Override
        public long headRevision() {
            return database.headRevision();
        }

        @Override
        public Subscription subscribe(ChangeHintListener listener) {
            return database.subscribe(listener);
        }
    }
}
