package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cutover.flags.Flag;
import dev.cutover.flags.InvalidFlagException;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditRecord;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.h2.jdbcx.JdbcDataSource;

/**
 * SQL injection attempts in keys, actor, reason and table prefix: each is either rejected with a
 * clear error before any SQL runs, or stored and read back verbatim as data. Never a database
 * error, never another row touched.
 */
class HostileInputProperties {
    private static final JdbcDataSource H2 = new JdbcDataSource();
    private static JdbcFlagStore store;

    @BeforeContainer
    static void start() throws Exception {
        H2.setURL("jdbc:h2:mem:hostile;DB_CLOSE_DELAY=-1");
        store = JdbcFlagStore.builder(H2).tablePrefix("hostile_").build();
        store.createSchemaIfMissing();
        store.put(Flag.booleanFlag("canary", true), 0, new AuditInfo("setup", "canary"));
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
}
