package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.Allocation;
import dev.cutover.flags.Clause;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.InvalidFlagException;
import dev.cutover.flags.Operator;
import dev.cutover.flags.Reason;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestFlagsTest {
    private static final EvaluationContext CTX = EvaluationContext.of("customer-1");

    private final TestFlags flags = new TestFlags();

    @AfterEach
    void close() {
        flags.close();
    }

    @Test
    void everyKindOfValueIsServedAsSoonAsTheSetterReturns() {
        FlagClient client = flags.client();
        flags.set("b", true)
                .set("s", "SHADOW")
                .set("i", 42)
                .set("l", 5_000_000_000L)
                .set("d", 0.25);
        assertThat(client.booleanValue("b", CTX, false)).isTrue();
        assertThat(client.stringValue("s", CTX, "none")).isEqualTo("SHADOW");
        assertThat(client.intValue("i", CTX, 0)).isEqualTo(42);
        assertThat(client.doubleValue("l", CTX, 0)).isEqualTo(5_000_000_000.0);
        assertThat(client.doubleValue("d", CTX, 0)).isEqualTo(0.25);
        assertThat(client.status().flagCount()).isEqualTo(5);
    }

    @Test
    void theEmptyStringIsAValue() {
        flags.set("s", "");
        assertThat(flags.client().stringDetail("s", CTX, "default").value()).isEmpty();
        assertThat(flags.client().stringDetail("s", CTX, "default").variant()).isEqualTo("empty");
    }

    @Test
    void changesAreVisibleImmediatelyWithoutWaiting() {
        FlagClient client = flags.client();
        for (int i = 0; i < 50; i++) {
            flags.set("orders.batch-size", i);
            assertThat(client.intValue("orders.batch-size", CTX, -1)).isEqualTo(i);
            flags.set("orders.new-checkout", i % 2 == 0);
            assertThat(client.booleanValue("orders.new-checkout", CTX, i % 2 != 0))
                    .isEqualTo(i % 2 == 0);
        }
    }

    @Test
    void valuesSetBeforeTheClientExistsAreServedByIt() {
        flags.set("orders.migration", "DUAL_WRITE");
        assertThat(flags.client().stringValue("orders.migration", CTX, "OLD")).isEqualTo("DUAL_WRITE");
        assertThat(flags.client()).isSameAs(flags.client());
    }

    @Test
    void aCompleteFlagWithRulesIsEvaluatedPerContext() {
        Flag flag = Flag.builder("orders.new-checkout")
                .booleanVariants()
                .rule(Rule.when(Serve.variant("true"), Clause.of("country", Operator.IN, "DE", "FR")))
                .fallthrough(Serve.rollout(Rollout.of(new Allocation("true", 0), new Allocation("false", 100))))
                .build();
        flags.set(flag);
        FlagClient client = flags.client();
        EvaluationContext german =
                EvaluationContext.builder("c-1").set("country", "DE").build();
        EvaluationContext american =
                EvaluationContext.builder("c-2").set("country", "US").build();
        assertThat(client.booleanDetail("orders.new-checkout", german, false).reason())
                .isEqualTo(Reason.RULE_MATCH);
        assertThat(client.booleanValue("orders.new-checkout", german, false)).isTrue();
        assertThat(client.booleanValue("orders.new-checkout", american, true)).isFalse();
        assertThat(flags.get("orders.new-checkout"))
                .get()
                .extracting(Flag::rules)
                .isEqualTo(flag.rules());
    }

    @Test
    void replacingChangesTheTypeAndBumpsTheVersion() {
        flags.set("k", true);
        flags.set("k", "NEW");
        assertThat(flags.client().stringValue("k", CTX, "none")).isEqualTo("NEW");
        assertThat(flags.client().booleanDetail("k", CTX, false).reason()).isEqualTo(Reason.ERROR);
        assertThat(flags.get("k")).get().extracting(Flag::version).isEqualTo(2L);
    }

    @Test
    void removeAndClearMakeTheClientServeDefaults() {
        flags.set("a", true).set("b", true).set("c", true);
        FlagClient client = flags.client();
        flags.remove("a");
        assertThat(client.booleanDetail("a", CTX, false).reason()).isEqualTo(Reason.FLAG_NOT_FOUND);
        assertThat(client.booleanValue("b", CTX, false)).isTrue();
        flags.remove("never-set");
        flags.clear();
        assertThat(client.booleanValue("b", CTX, false)).isFalse();
        assertThat(client.booleanValue("c", CTX, false)).isFalse();
        assertThat(client.status().flagCount()).isZero();
        assertThat(flags.store().load().flags()).isEmpty();
    }

    @Test
    void writesAreAuditedAsTheTestkit() throws Exception {
        flags.set("audited", true).set("audited", false).remove("audited");
        List<AuditRecord> history = flags.store().history("audited", null, 10).records();
        assertThat(history).hasSize(3);
        assertThat(history).extracting(AuditRecord::actor).containsOnly("testkit");
        assertThat(history).extracting(AuditRecord::reason).containsOnly("test");
        assertThat(history.get(0).after()).isNull();
    }

    @Test
    void directStoreWritesAreServedAfterRefresh() {
        FlagClient client = flags.client();
        flags.store().put(Flag.booleanFlag("direct", true), 0, new AuditInfo("someone", "direct write"));
        flags.refresh();
        assertThat(client.booleanValue("direct", CTX, false)).isTrue();
        // and the next testkit write goes on top of the direct one
        flags.set("direct", false);
        assertThat(client.booleanValue("direct", CTX, true)).isFalse();
    }

    @Test
    void aBadDocumentIsRejectedAloneByTheClient() {
        flags.set("good", true);
        flags.store().putRaw("bad", "{\"key\":\"bad\",\"type\":\"boolean\",\"variants\":{\"x\":\"y\"}}");
        flags.refresh();
        ClientStatus status = flags.client().status();
        assertThat(status.rejectedFlags()).isEqualTo(1);
        assertThat(flags.client().booleanValue("good", CTX, false)).isTrue();
        assertThat(flags.client().booleanValue("bad", CTX, false)).isFalse();
        assertThatThrownBy(() -> flags.get("bad"))
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("'bad'");
    }

    @Test
    void scheduledFlagsFollowTheGivenClock() {
        Instant now = Instant.parse("2030-06-01T12:00:00Z");
        try (TestFlags scheduled = new TestFlags(Clock.fixed(now, ZoneOffset.UTC))) {
            Flag later = Flag.stringFlag("orders.migration", "CUTOVER").toBuilder()
                    .effectiveAt(now.plusSeconds(3600), Flag.stringFlag("orders.migration", "SHADOW"))
                    .build();
            Flag earlier = Flag.stringFlag("orders.readpath", "NEW").toBuilder()
                    .effectiveAt(now.minusSeconds(1), null)
                    .build();
            scheduled.set(later).set(earlier);
            assertThat(scheduled.client().stringValue("orders.migration", CTX, "none"))
                    .isEqualTo("SHADOW");
            assertThat(scheduled.client().stringValue("orders.readpath", CTX, "none"))
                    .isEqualTo("NEW");
            assertThat(scheduled.get("orders.migration"))
                    .get()
                    .extracting(f -> f.updatedAt().orElseThrow())
                    .isEqualTo(now);
        }
    }

    @Test
    void invalidInputIsRejectedWithTheKey() {
        assertThatThrownBy(() -> flags.set("bad key", true))
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("'bad key'");
        assertThatThrownBy(() -> flags.set("nan", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nan");
        assertThat(flags.store().load().flags()).isEmpty();
    }

    @Test
    void closeClosesTheClientAndRejectsFurtherWrites() {
        FlagClient client = flags.client();
        flags.set("k", true);
        flags.close();
        flags.close();
        assertThat(flags.isClosed()).isTrue();
        assertThat(client.status().state()).isEqualTo(ClientStatus.State.CLOSED);
        assertThat(client.booleanValue("k", CTX, false))
                .as("a closed client serves its last snapshot")
                .isTrue();
        assertThatThrownBy(() -> flags.set("k", false)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(flags::client).isInstanceOf(IllegalStateException.class);
    }
}
