package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.HeartbeatStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The heartbeat contract must fail for broken stores: each nested store breaks one rule, and
 * running the contract against it must fail the property or example for that rule, and a correct
 * store passes all. (Nested classes are not run by the build directly; this test runs them through
 * the jqwik engine.)
 */
class HeartbeatContractCatchesBrokenStoresTest {
    /** Where jqwik keeps the failed samples of the broken stores: under target/, as for the build's own. */
    private static final String DATABASE = "target/jqwik-database-broken-stores";

    private static Set<String> failed(Class<?> contractClass) {
        Events tests = EngineTestKit.engine("jqwik")
                .configurationParameter("jqwik.database", DATABASE)
                // a broken store fails at once; shrinking its sample would only take time
                .configurationParameter("jqwik.shrinking.default", "OFF")
                .selectors(DiscoverySelectors.selectClass(contractClass))
                .execute()
                .testEvents();
        assertThat(tests.started().count()).as("tests started").isEqualTo(8);
        return tests.failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void aCorrectStorePassesEverything() {
        assertThat(failed(CorrectContract.class)).isEmpty();
    }

    @Test
    void aStoreThatIgnoresCase() {
        assertThat(failed(IgnoresCaseContract.class)).contains("namesThatDifferInCaseAreDifferentInstances");
    }

    @Test
    void aStoreThatKeepsSeconds() {
        assertThat(failed(KeepsSecondsContract.class)).contains("everyFieldReadsBackExactlyUntilItExpires");
    }

    @Test
    void aStoreThatReturnsExpiredHeartbeats() {
        assertThat(failed(ReturnsExpiredContract.class)).contains("everyFieldReadsBackExactlyUntilItExpires");
    }

    @Test
    void aStoreWhoseRemoveTakesTheWholeService() {
        assertThat(failed(RemovesServiceContract.class)).contains("removeTakesOnlyThatInstance");
    }

    @Test
    void aStoreThatTakesUnvalidatedNames() {
        assertThat(failed(UncheckedNamesContract.class)).containsExactly("badNamesAreRefusedNamingThem");
    }

    /** A correct store; the broken ones below each change one thing. */
    static class MapStore implements HeartbeatStore {
        final Map<String, Heartbeat> beats = new HashMap<>();

        String key(String service, String instance) {
            return Heartbeat.checkName("service", service) + "/" + Heartbeat.checkName("instance", instance);
        }

        Heartbeat stored(Heartbeat h) {
            return h;
        }

        boolean live(Heartbeat h, Instant now) {
            return h.expiresAt().isAfter(now);
        }

        @Override
        public void createHeartbeatTableIfMissing() {}

        @Override
        public synchronized void putHeartbeat(Heartbeat h) {
            beats.put(key(h.service(), h.instance()), stored(h));
        }

        @Override
        public synchronized List<Heartbeat> heartbeats(Instant now) {
            List<Heartbeat> out = new ArrayList<>();
            for (Heartbeat h : beats.values()) {
                if (live(h, now)) {
                    out.add(h);
                }
            }
            return out;
        }

        @Override
        public synchronized void removeHeartbeat(String service, String instance) {
            beats.remove(key(service, instance));
        }

        @Override
        public synchronized int removeExpiredHeartbeats(Instant now) {
            int before = beats.size();
            beats.values().removeIf(h -> !h.expiresAt().isAfter(now));
            return before - beats.size();
        }
    }

    static class CorrectContract extends HeartbeatStoreContract {
        @Override
        protected HeartbeatStore createStore() {
            return new MapStore();
        }
    }

    static class IgnoresCaseContract extends HeartbeatStoreContract {
        @Override
        protected HeartbeatStore createStore() {
            return new MapStore() {
                @Override
                String key(String service, String instance) {
                    return super.key(service, instance).toLowerCase(Locale.ROOT);
                }
            };
        }
    }

    static class KeepsSecondsContract extends HeartbeatStoreContract {
        @Override
        protected HeartbeatStore createStore() {
            return new MapStore() {
                @Override
                Heartbeat stored(Heartbeat h) {
                    return new Heartbeat(
                            h.service(),
                            h.instance(),
                            h.revision(),
                            h.stages(),
                            h.state(),
                            h.source(),
                            h.sentAt().truncatedTo(ChronoUnit.SECONDS),
                            h.interval());
                }
            };
        }
    }

    static class ReturnsExpiredContract extends HeartbeatStoreContract {
        @Override
        protected HeartbeatStore createStore() {
            return new MapStore() {
                @Override
                boolean live(Heartbeat h, Instant now) {
                    return !h.expiresAt().isBefore(now);
                }
            };
        }
    }

    static class RemovesServiceContract extends HeartbeatStoreContract {
        @Override
        protected HeartbeatStore createStore() {
            return new MapStore() {
                @Override
                public synchronized void removeHeartbeat(String service, String instance) {
                    beats.keySet().removeIf(k -> k.startsWith(service + "/"));
                }
            };
        }
    }

    static class UncheckedNamesContract extends HeartbeatStoreContract {
        @Override
        protected HeartbeatStore createStore() {
            return new MapStore() {
                @Override
                String key(String service, String instance) {
                    return service + "/" + instance;
                }
            };
        }
    }
}
