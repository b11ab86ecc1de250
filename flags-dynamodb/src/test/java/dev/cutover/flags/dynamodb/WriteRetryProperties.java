package dev.cutover.flags.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.FlagStoreException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.testsupport.InterceptedDynamoDb;
import dev.cutover.testsupport.InterceptedDynamoDb.Fault;
import dev.cutover.testsupport.LocalDynamoDb;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Writes under any sequence of transient faults (throttled reads or transactions, conflicting
 * transactions, a moved head) are all or nothing: with fewer faults than attempts the write lands
 * exactly once (one version step, one audit record, the head one revision up); with as many
 * faults as attempts it fails naming the key and nothing changes.
 */
class WriteRetryProperties {
    private static final String TABLE = "cutover-retry-properties";
    private static final int ATTEMPTS = 4;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    static {
        DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE).build().createTableIfMissing();
    }

    @Provide
    Arbitrary<List<Fault>> faults() {
        Arbitrary<Fault> one = Arbitraries.of(
                new Fault("getItem", InterceptedDynamoDb::throttled),
                new Fault("transactWriteItems", InterceptedDynamoDb::throttled),
                new Fault("transactWriteItems", () -> InterceptedDynamoDb.cancelled("None", "None", "ThrottlingError")),
                new Fault(
                        "transactWriteItems",
                        () -> InterceptedDynamoDb.cancelled("TransactionConflict", "None", "None")),
                new Fault(
                        "transactWriteItems",
                        () -> InterceptedDynamoDb.cancelled("None", "ConditionalCheckFailed", "None")));
        return one.list().ofMinSize(0).ofMaxSize(ATTEMPTS);
    }

    @Property(tries = 40)
    void aWriteLandsExactlyOnceOrNotAtAll(
            @ForAll("faults") List<Fault> faults, @ForAll @IntRange(min = 0, max = 2) int earlierWrites) {
        String prefix = "r" + PREFIXES.incrementAndGet();
        InterceptedDynamoDb faulty = new InterceptedDynamoDb(LocalDynamoDb.client());
        DynamoDbFlagStore store = DynamoDbFlagStore.builder(faulty.client, TABLE)
                .keyPrefix(prefix)
                .writeRetry(ATTEMPTS, Duration.ofMillis(1))
                .build();
        AuditInfo setup = new AuditInfo("seed", "earlier");
        long version = 0;
        for (int i = 0; i < earlierWrites; i++) {
            version = store.put(Flag.booleanFlag("switch", i % 2 == 0), version, setup)
                    .version();
        }
        long headBefore = store.headRevision();
        faulty.queue(faults.toArray(Fault[]::new));
        Flag next = Flag.booleanFlag("switch", earlierWrites % 2 == 0);
        long expected = version;

        if (faults.size() < ATTEMPTS) {
            Flag stored = store.put(next, expected, new AuditInfo("ops", "the write"));
            assertThat(stored.version()).isEqualTo(expected + 1);
            assertThat(store.headRevision()).isEqualTo(headBefore + 1);
            List<AuditRecord> history = store.history("switch", null, 10).records();
            assertThat(history).hasSize(earlierWrites + 1);
            assertThat(history.get(0).actor()).isEqualTo("ops");
            assertThat(history.get(0).version()).isEqualTo(expected + 1);
        } else {
            assertThatThrownBy(() -> store.put(next, expected, new AuditInfo("ops", "the write")))
                    .isInstanceOf(FlagStoreException.class)
                    .hasMessageContaining("'switch'");
            assertThat(store.get("switch").map(RawFlag::version).orElse(0L)).isEqualTo(expected);
            assertThat(store.headRevision()).isEqualTo(headBefore);
            assertThat(store.history("switch", null, 10).records()).hasSize(earlierWrites);
        }
        assertThat(faulty.pending()).isZero();
    }
}
