package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cutover.flags.ClientStatus.Source;
import dev.cutover.flags.ClientStatus.State;
import dev.cutover.flags.Flag;
import dev.cutover.flags.InvalidFlagException;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.h2.jdbcx.JdbcDataSource;

/**
 * SQL injection attempts in keys, actor, reason, table prefix and the service and instance names
 * of heartbeats: each is either rejected with a clear error before any SQL runs, or stored and
 * read back verbatim as data. Never a database error, never another row touched.
 */
class HostileInputProperties {
    private static final JdbcDataSource H2 = new JdbcDataSource();
    private static final Instant NOW = Instant.parse("2031-01-01T00:00:00Z");
    private static final Heartbeat CANARY = beat("canary", "canary-1");
    private static JdbcFlagStore store;

    private static Heartbeat beat(String service, String instance) {
        return new Heartbeat(
                service,
                instance,
                3,
                Map.of("orders", "SHADOW"),
                State.READY,
                Source.STORE,
                NOW,
                Duration.ofSeconds(30));
    }

    @BeforeContainer
    static void start() throws Exception {
        H2.setURL("jdbc:h2:mem:hostile;DB_CLOSE_DELAY=-1");
        store = JdbcFlagStore.builder(H2).tablePrefix("hostile_").build();
        store.createSchemaIfMissing();
        store.put(Flag.booleanFlag("canary", true), 0, new AuditInfo("setup", "canary"));
        store.putHeartbeat(CANARY);
    }

    @AfterContainer
    static void stop() {
        store.close();
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> fragments = Arbitraries.of(
                "'",
                "\"",
                "`",
                ";",
                "--",
                "/*",
                "*/",
                "\\",
                "%",
                "_",
                " OR 1=1",
                "'; DROP TABLE hostile_flags; --",
                "\u0000",
                "\uD83D\uDE00",
                "\uD800",
                "é",
                "\n",
                "$1",
                "?",
                "key",
                "a",
                "cutover_flags",
                "ÿ");
        return fragments.list().ofMinSize(1).ofMaxSize(8).map(parts -> String.join("", parts));
    }

    @Property(tries = 300)
    void hostileStringsAreRejectedOrStoredVerbatim(@ForAll("hostile") String text) throws Exception {
        // as a flag key: only valid keys get anywhere, and then they are plain data
        Throwable keyError = catchThrowable(() -> store.get(text));
        if (Flag.isValidKey(text)) {
            assertThat(keyError).isNull();
        } else {
            assertThat(keyError).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flag key must be");
            assertThat(catchThrowable(() -> Flag.booleanFlag(text, true))).isInstanceOf(InvalidFlagException.class);
        }
        // as a table prefix: rejected unless it is a plain identifier
        Throwable prefixError = catchThrowable(() -> JdbcFlagStore.builder(H2).tablePrefix(text));
        assertThat(prefixError == null)
                .isEqualTo(JdbcFlagStore.IDENTIFIER.matcher(text).matches());
        // as actor and reason: stored and read back exactly, or refused with a named reason
        long before = store.headRevision();
        String key = "probe";
        long version = store.get(key).map(r -> r.version()).orElse(0L);
        Throwable writeError = catchThrowable(
                () -> store.put(Flag.stringFlag(key, "v"), version, new AuditInfo("x" + text, "y" + text)));
        if (writeError == null) {
            List<AuditRecord> newest = store.history(key, null, 1).records();
            assertThat(newest.get(0).actor()).isEqualTo("x" + text);
            assertThat(newest.get(0).reason()).isEqualTo("y" + text);
            assertThat(store.headRevision()).isEqualTo(before + 1);
        } else {
            assertThat(writeError).isInstanceOf(IllegalArgumentException.class);
            assertThat(writeError.getMessage()).containsAnyOf("actor", "reason");
            assertThat(store.headRevision()).isEqualTo(before);
        }
        assertThat(store.get("canary")).isPresent();
    }

    @Property(tries = 300)
    void hostileServiceAndInstanceNamesAreRefusedOrStoredVerbatim(@ForAll("hostile") String text) throws Exception {
        long revision = store.headRevision();
        if (Heartbeat.isValidName(text)) {
            Heartbeat asService = beat(text, "i-1");
            Heartbeat asInstance = beat("hostile", text);
            store.putHeartbeat(asService);
            store.putHeartbeat(asInstance);
            assertThat(store.heartbeats(NOW)).contains(asService, asInstance, CANARY);
            store.removeHeartbeat(text, "i-1");
            store.removeHeartbeat("hostile", text);
        } else {
            assertThat(catchThrowable(() -> beat(text, "i-1")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("service name must match");
            assertThat(catchThrowable(() -> beat("hostile", text)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("instance name must match");
            assertThat(catchThrowable(() -> store.removeHeartbeat(text, "canary-1")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("service name must match");
            assertThat(catchThrowable(() -> store.removeHeartbeat("canary", text)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("instance name must match");
        }
        assertThat(store.heartbeats(NOW)).containsExactly(CANARY);
        assertThat(store.headRevision()).isEqualTo(revision);
    }
}
