package dev.cutover.cli.internal;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code --dry-run}: reads go to the real store, writes are checked the way the store checks them
 * (the compare-and-set on the version) and then only remembered, so a command runs every check of
 * a real write, prints what it would write, and writes nothing.
 */
final class DryRunStore implements WritableFlagStore {
    private final WritableFlagStore store;
    private @Nullable Flag wouldPut;
    private @Nullable String wouldDelete;

    DryRunStore(WritableFlagStore store) {
        this.store = store;
    }

    @Override
    public Optional<RawFlag> get(String key) throws Exception {
        return store.get(key);
    }

    @Override
    public Flag put(Flag flag, long expectedVersion, AuditInfo audit) throws Exception {
        long actual = version(flag.key());
        if (actual != expectedVersion) {
            throw new FlagWriteConflictException(flag.key(), expectedVersion, actual);
        }
        Flag stored = flag.toBuilder()
                .version(expectedVersion + 1)
                .updatedAt(Instant.now())
                .updatedBy(audit.actor())
                .build();
        wouldPut = stored;
        return stored;
    }

    @Override
    public void delete(String key, long expectedVersion, AuditInfo audit) throws Exception {
        long actual = version(key);
        if (actual != expectedVersion) {
            throw new FlagWriteConflictException(key, expectedVersion, actual);
        }
        wouldDelete = key;
    }

    private long version(String key) throws Exception {
        return store.get(key).map(RawFlag::version).orElse(0L);
    }

    @Override
    public AuditPage history(String key, @Nullable String pageToken, int pageSize) throws Exception {
        return store.history(key, pageToken, pageSize);
    }

    @Override
    public StoreSnapshot load() throws Exception {
        return store.load();
    }

    @Override
    public long headRevision() throws Exception {
        return store.headRevision();
    }

    @Override
    public String describe() {
        return store.describe() + " (dry run)";
    }

    /** The flag a write would have stored, or null when none was asked for. */
    @Nullable
    Flag wouldPut() {
        return wouldPut;
    }

    /** The key a delete would have removed, or null. */
    @Nullable
    String wouldDelete() {
        return wouldDelete;
    }
}
