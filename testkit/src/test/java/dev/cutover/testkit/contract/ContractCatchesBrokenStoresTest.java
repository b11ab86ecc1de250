package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Flag;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.flags.store.InMemoryFlagStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The contract must fail for broken stores: each nested store breaks one rule, and running the
 * contract against it must fail the test for that rule. (Nested classes are not run by the build
 * directly; this test runs them through the JUnit engine.)
 */
class ContractCatchesBrokenStoresTest {

    private static Set<String> failedTests(Class<?> contractClass) {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(DiscoverySelectors.selectClass(contractClass))
                .execute()
                .testEvents();
        assertThat(tests.started().count()).as("tests started").isGreaterThanOrEqualTo(10);
        return tests.failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName().replace("()", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void aCompareAndSetThatDoesNotRecheckLosesUpdates() {
        assertThat(failedTests(NonAtomicCasContract.class))
                .contains("aWriteBetweenReadAndCompareAndSetMakesTheStaleWriterLose");
    }

    @Test
    void aRevisionThatDoesNotGrowOnEveryWrite() {
        assertThat(failedTests(RevisionCountsKeysContract.class))
                .contains("revisionGrowsWithEveryWriteAndNeverGoesBack");
    }

    @Test
    void aStoreThatDropsBadDocuments() {
        assertThat(failedTests(DropsBadDocumentsContract.class))
                .contains("badDocumentsAreLoadedAsTheyAre")
                .doesNotContain("loadReturnsExactlyWhatWasPut", "emptyStoreLoadsNoFlags");
    }

    @Test
    void aHistoryInTheWrongOrder() {
        assertThat(failedTests(OldestFirstHistoryContract.class))
                .contains("historyIsNewestFirstAndCarriesTheAudit", "historyPagesCoverEveryRecordOnceInOrder")
                .doesNotContain("createWithExpectedVersionZero", "concurrentReadModifyWriteLosesNoUpdate");
    }

    @Test
    void aConflictThatMisreportsTheActualVersion() {
        assertThat(failedTests(WrongConflictContract.class))
                .contains("staleUpdateConflictsAndWritesNothing", "createOverAnExistingFlagConflicts");
    }

    @Test
    void aPushSubscriptionThatNeverHints() {
        assertThat(failedTests(SilentPushContract.class))
                .contains("pushHintArrivesForAWriteWhenTheStoreSupportsPush")
                .doesNotContain("clientPicksUpLaterWrites");
    }

    @Test
    void aCorrectStorePassesEverything() {
        assertThat(failedTests(CorrectWrapperContract.class)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // broken stores: each delegates to an InMemoryFlagStore and breaks one rule

    /** Delegates everything; subclasses override one method. */
    static class Wrapper implements WritableFlagStore {
        @Override
        public String describe() {
            return "wrapper";
        }

        final InMemoryFlagStore db = new InMemoryFlagStore();
        final AtomicReference<@Nullable Runnable> race = new AtomicReference<>();

        @Override
        public Optional<RawFlag> get(String key) {
            return db.get(key);
        }

        /** Runs an injected race the way a store that reads before it writes would meet one. */
        void betweenReadAndWrite() {
            Runnable r = race.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }

        @Override
        public Flag put(Flag flag, long expectedVersion, AuditInfo audit) {
            db.get(flag.key());
            betweenReadAndWrite();
            return db.put(flag, expectedVersion, audit);
        }

        @Override
        public void delete(String key, long expectedVersion, AuditInfo audit) {
            db.delete(key, expectedVersion, audit);
        }

        @Override
        public AuditPage history(String key, @Nullable String pageToken, int pageSize) {
            return db.history(key, pageToken, pageSize);
        }

        @Override
        public StoreSnapshot load() {
            return db.load();
        }

        @Override
        public long headRevision() {
            return db.headRevision();
        }

        @Override
        public Subscription subscribe(ChangeHintListener listener) {
            return db.subscribe(listener);
        }
    }

    abstract static class WrapperContract<W extends Wrapper> extends WritableFlagStoreContract<W> {
        @Override
        protected void putRaw(W store, String key, String json) {
            store.db.putRaw(key, json);
        }

        @Override
        protected boolean injectWriteRace(W store, Runnable competingWrite) {
            store.race.set(competingWrite);
            return true;
        }
    }

    static class CorrectWrapperContract extends WrapperContract<Wrapper> {
        @Override
        protected Wrapper createStore() {
            return new Wrapper();
        }
    }

    /** Checks the version, lets the race in, then writes without checking again. */
    static class NonAtomicCasContract extends WrapperContract<Wrapper> {
        @Override
        protected Wrapper createStore() {
            return new Wrapper() {
                @Override
                public Flag put(Flag flag, long expectedVersion, AuditInfo audit) {
                    long actual = db.get(flag.key()).map(RawFlag::version).orElse(0L);
                    if (actual != expectedVersion) {
                        throw new FlagWriteConflictException(flag.key(), expectedVersion, actual);
                    }
                    betweenReadAndWrite();
                    long now = db.get(flag.key()).map(RawFlag::version).orElse(0L);
                    return db.put(flag, now, audit); // blind write: the bug
                }
            };
        }
    }

    /** Reports the actual version wrongly in conflicts. */
    static class WrongConflictContract extends WrapperContract<Wrapper> {
        @Override
        protected Wrapper createStore() {
            return new Wrapper() {
                @Override
                public Flag put(Flag flag, long expectedVersion, AuditInfo audit) {
                    try {
                        return db.put(flag, expectedVersion, audit);
                    } catch (FlagWriteConflictException e) {
                        throw new FlagWriteConflictException(e.key(), e.expectedVersion(), e.actualVersion() + 1);
                    }
                }
            };
        }
    }

    /** Serves history oldest first. */
    static class OldestFirstHistoryContract extends WrapperContract<Wrapper> {
        @Override
        protected Wrapper createStore() {
            return new Wrapper() {
                @Override
                public AuditPage history(String key, @Nullable String pageToken, int pageSize) {
                    AuditPage page = db.history(key, pageToken, pageSize);
                    List<AuditRecord> records = new ArrayList<>(page.records());
                    Collections.reverse(records);
                    return new AuditPage(records, page.nextPageToken());
                }
            };
        }
    }

    /** Subscribes but never hints. */
    static class SilentPushContract extends WrapperContract<Wrapper> {
        @Override
        protected Wrapper createStore() {
            return new Wrapper() {
                @Override
                public Subscription subscribe(ChangeHintListener listener) {
                    return () -> {};
                }
            };
        }

        @Override
        protected Duration pushDeadline() {
            return Duration.ofSeconds(1);
        }
    }

    /** A read-only store whose revision is the number of keys. */
    static class RevisionCountsKeysContract extends FlagStoreContract<MapStore> {
        @Override
        protected MapStore createStore() {
            return new MapStore() {
                @Override
                public synchronized long headRevision() {
                    return docs.size();
                }
            };
        }

        @Override
        protected void putRaw(MapStore store, String key, String json) {
            store.put(key, json);
        }

        @Override
        protected Duration pushDeadline() {
            return Duration.ofSeconds(1);
        }
    }

    /** A read-only store that filters out documents that are not valid flags. */
    static class DropsBadDocumentsContract extends FlagStoreContract<MapStore> {
        @Override
        protected MapStore createStore() {
            return new MapStore() {
                @Override
                public synchronized StoreSnapshot load() {
                    List<RawFlag> valid = new ArrayList<>();
                    for (RawFlag raw : super.load().flags()) {
                        try {
                            Flag.fromJson(raw.json());
                            valid.add(raw);
                        } catch (RuntimeException e) {
                            // the bug: bad data silently disappears
                        }
                    }
                    return new StoreSnapshot(headRevision(), valid);
                }
            };
        }

        @Override
        protected void putRaw(MapStore store, String key, String json) {
            store.put(key, json);
        }
    }

    /** A minimal read-only store over a map, correct unless overridden. */
    static class MapStore implements FlagStore {
        @Override
        public String describe() {
            return "map";
        }

        final Map<String, String> docs = new LinkedHashMap<>();
        long revision = 1;

        synchronized void put(String key, String json) {
            docs.put(key, json);
            revision++;
        }

        @Override
        public synchronized StoreSnapshot load() {
            List<RawFlag> flags = new ArrayList<>();
            docs.forEach((k, v) -> flags.add(new RawFlag(k, 1, v)));
            return new StoreSnapshot(headRevision(), flags);
        }

        @Override
        public synchronized long headRevision() {
            return revision;
        }
    }
}
