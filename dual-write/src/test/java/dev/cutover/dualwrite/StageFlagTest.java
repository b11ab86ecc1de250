package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.Clause;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Operator;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** StageFlag moves a stage flag one step at a time and refuses skips. */
class StageFlagTest {
    private static final String KEY = Harness.FLAG;
    private static final AuditInfo AUDIT = new AuditInfo("alice", "OPS-1");

    private final TestFlags flags = new TestFlags();
    private final InMemoryFlagStore store = flags.store();

    @AfterEach
    void close() {
        flags.close();
        Harness.assertNoLibraryThreads();
    }

    @Test
    void advancesFromAbsentThroughEveryStageAndStopsAtTheEnd() throws Exception {
        assertThat(StageFlag.current(store, KEY)).containsExactly(Stage.OLD_ONLY);
        for (Stage expected :
                new Stage[] {Stage.DUAL_WRITE, Stage.SHADOW, Stage.LIVE, Stage.RAMP_DOWN, Stage.NEW_ONLY}) {
            Flag written = StageFlag.advance(store, KEY, AUDIT);
            assertThat(StageFlag.served(written)).containsExactly(expected);
            flags.refresh();
            assertThat(flags.client().stringValue(KEY, dev.cutover.flags.EvaluationContext.of("any"), "x"))
                    .isEqualTo(expected.name());
        }
        assertThatThrownBy(() -> StageFlag.advance(store, KEY, AUDIT))
                .isInstanceOf(IllegalStageMoveException.class)
                .hasMessageContaining("from NEW_ONLY to NEW_ONLY");
        assertThat(store.history(KEY, null, 10).records()).hasSize(5);
    }

    @Test
    void withTheJournalAMovePastShadowWaitsForGapsToCloseAndMissedKeysToBeRepaired() throws Exception {
        dev.cutover.journal.InMemoryFailedWriteJournal journal = new dev.cutover.journal.InMemoryFailedWriteJournal();
        StageFlag.moveTo(store, KEY, Stage.DUAL_WRITE, AUDIT, journal);
        StageFlag.advance(store, KEY, AUDIT, journal);
        // a key the new store missed: it may not become authoritative yet
        long missed = journal.append(new dev.cutover.journal.FailedWrite(
                "OrderRepository",
                "save",
                "o-1",
                dev.cutover.journal.FailedWrite.Target.NEW,
                dev.cutover.journal.FailedWrite.Reason.SHED,
                "queue full",
                Instant.now()));
        // an entry for the old store does not block it
        journal.append(new dev.cutover.journal.FailedWrite(
                "OrderRepository",
                "save",
                "o-2",
                dev.cutover.journal.FailedWrite.Target.OLD,
                dev.cutover.journal.FailedWrite.Reason.SHED,
                "queue full",
                Instant.now()));
        assertThatThrownBy(() -> StageFlag.advance(store, KEY, AUDIT, journal))
                .isInstanceOf(PendingRepairsException.class)
                .hasMessageContaining(
                        "may not move to LIVE while the journal holds 1 entry for keys the new store missed")
                .satisfies(
                        e -> assertThat(((PendingRepairsException) e).pending()).isEqualTo(1));
        assertThatThrownBy(() -> StageFlag.ramp(store, KEY, Stage.LIVE, 10, AUDIT, journal))
                .isInstanceOf(PendingRepairsException.class);
        // an illegal move is refused as such, whatever the journal holds
        assertThatThrownBy(() -> StageFlag.moveTo(store, KEY, Stage.NEW_ONLY, AUDIT, journal))
                .isInstanceOf(IllegalStageMoveException.class);
        journal.resolve(java.util.List.of(missed));
        // a gap blocks it too
        Instant t = Instant.now().minusSeconds(10);
        journal.putGap(new dev.cutover.journal.Gap(
                "g", "OrderRepository", dev.cutover.journal.Gap.Kind.OVERFLOW, t, t.plusSeconds(1), "past the bound"));
        assertThatThrownBy(() ->
                        StageFlag.moveTo(store, KEY, Stage.LIVE, Instant.now().plusSeconds(60), AUDIT, journal))
                .isInstanceOf(OpenGapsException.class)
                .hasMessageContaining("OVERFLOW of OrderRepository")
                .satisfies(e -> assertThat(((OpenGapsException) e).gaps())
                        .extracting(g -> g.id())
                        .containsExactly("g"));
        assertThat(StageFlag.current(store, KEY)).containsExactly(Stage.SHADOW);
        // back is never refused
        StageFlag.rollBack(store, KEY, AUDIT);
        StageFlag.advance(store, KEY, AUDIT, journal);
        journal.closeGaps(Instant.now());
        assertThat(StageFlag.served(StageFlag.advance(store, KEY, AUDIT, journal)))
                .containsExactly(Stage.LIVE);
        // once new is authoritative, entries for the old store do not block the next steps
        assertThat(StageFlag.served(StageFlag.advance(store, KEY, AUDIT, journal)))
                .containsExactly(Stage.RAMP_DOWN);
    }

    @Test
    void rollsBackOneStepAndRefusesBeforeTheStart() throws Exception {
        StageFlag.moveTo(store, KEY, Stage.DUAL_WRITE, AUDIT);
        StageFlag.moveTo(store, KEY, Stage.SHADOW, AUDIT);
        assertThat(StageFlag.served(StageFlag.rollBack(store, KEY, AUDIT))).containsExactly(Stage.DUAL_WRITE);
        assertThat(StageFlag.served(StageFlag.rollBack(store, KEY, AUDIT))).containsExactly(Stage.OLD_ONLY);
        assertThatThrownBy(() -> StageFlag.rollBack(store, KEY, AUDIT)).isInstanceOf(IllegalStageMoveException.class);
    }

    @ParameterizedTest
    @EnumSource(
            value = Stage.class,
            names = {"LIVE", "RAMP_DOWN", "NEW_ONLY", "OLD_ONLY"})
    void refusesToSkipStagesNamingFromToAndTheAllowedMoves(Stage target) throws Exception {
        StageFlag.moveTo(store, KEY, Stage.DUAL_WRITE, AUDIT);
        StageFlag.moveTo(store, KEY, Stage.SHADOW, AUDIT);
        if (target == Stage.OLD_ONLY) {
            StageFlag.moveTo(store, KEY, Stage.LIVE, AUDIT);
        }
        long version = store.get(KEY).map(RawFlag::version).orElseThrow();
        Set<Stage> from = StageFlag.current(store, KEY);
        if (from.iterator().next().canMoveTo(target)) {
            assertThat(StageFlag.served(StageFlag.moveTo(store, KEY, target, AUDIT)))
                    .containsExactly(target);
            return;
        }
        assertThatThrownBy(() -> StageFlag.moveTo(store, KEY, target, AUDIT))
                .isInstanceOfSatisfying(IllegalStageMoveException.class, e -> {
                    assertThat(e.flagKey()).isEqualTo(KEY);
                    assertThat(e.from()).isEqualTo(from);
                    assertThat(e.to()).isEqualTo(target);
                    Stage current = from.iterator().next();
                    assertThat(e.allowed())
                            .containsExactlyInAnyOrder(
                                    current.previous().orElseThrow(),
                                    current.next().orElseThrow());
                    assertThat(e.getMessage())
                            .contains("from " + current + " to " + target)
                            .contains("allowed from here: ");
                });
        assertThat(store.get(KEY).map(RawFlag::version).orElseThrow())
                .as("nothing written")
                .isEqualTo(version);
    }

    @Test
    void moveToTheCurrentStageWritesNothing() throws Exception {
        Flag first = StageFlag.moveTo(store, KEY, Stage.DUAL_WRITE, AUDIT);
        Flag again = StageFlag.moveTo(store, KEY, Stage.DUAL_WRITE, AUDIT);
        assertThat(again.version()).isEqualTo(first.version());
    }

    @Test
    void aRampServesTwoAdjacentStagesAndCanBeCompletedOrCancelled() throws Exception {
        StageFlag.moveTo(store, KEY, Stage.DUAL_WRITE, AUDIT);
        StageFlag.moveTo(store, KEY, Stage.SHADOW, AUDIT);
        assertThatThrownBy(() -> StageFlag.ramp(store, KEY, Stage.RAMP_DOWN, 10, AUDIT))
                .isInstanceOf(IllegalStageMoveException.class);

        Flag ramped = StageFlag.ramp(store, KEY, Stage.LIVE, 30, AUDIT);
        assertThat(StageFlag.served(ramped)).containsExactlyInAnyOrder(Stage.SHADOW, Stage.LIVE);
        assertThat(ramped.offVariant()).contains("SHADOW");
        flags.refresh();
        try (Harness h = Harness.on(flags, Duration.ofSeconds(1), b -> {})) {
            int live = 0;
            for (int i = 0; i < 1_000; i++) {
                live += h.control.stage("customer-" + i) == Stage.LIVE ? 1 : 0;
            }
            assertThat(live).isBetween(230, 370);
            String before = "customer-1";
            Stage stageBefore = h.control.stage(before);
            StageFlag.ramp(store, KEY, Stage.LIVE, 60, AUDIT);
            flags.refresh();
            if (stageBefore == Stage.LIVE) {
                assertThat(h.control.stage(before))
                        .as("raising a ramp only adds keys")
                        .isEqualTo(Stage.LIVE);
            }
            // a ramp spans two stages: a skip from either is refused
            assertThatThrownBy(() -> StageFlag.moveTo(store, KEY, Stage.DUAL_WRITE, AUDIT))
                    .isInstanceOfSatisfying(
                            IllegalStageMoveException.class,
                            e -> assertThat(e.allowed()).containsExactlyInAnyOrder(Stage.SHADOW, Stage.LIVE));
            assertThat(StageFlag.served(StageFlag.rollBack(store, KEY, AUDIT))).containsExactly(Stage.SHADOW);
            StageFlag.ramp(store, KEY, Stage.LIVE, 5, AUDIT);
            assertThat(StageFlag.served(StageFlag.advance(store, KEY, AUDIT))).containsExactly(Stage.LIVE);
            flags.refresh();
            assertThat(h.control.stage("customer-7")).isEqualTo(Stage.LIVE);
        }
    }

    @Test
    void aConcurrentWriteMakesTheMoveFailRatherThanOverwrite() throws Exception {
        StageFlag.moveTo(store, KEY, Stage.DUAL_WRITE, AUDIT);
        WritableFlagStore racing = new WritableFlagStore() {
            @Override
            public Optional<RawFlag> get(String key) {
                Optional<RawFlag> seen = store.get(key);
                // another operator moves the flag right after we read it
                store.put(
                        StageFlag.definition(KEY, Stage.OLD_ONLY),
                        seen.orElseThrow().version(),
                        new AuditInfo("bob", "x"));
                return seen;
            }

            @Override
            public Flag put(Flag flag, long expectedVersion, AuditInfo audit) {
                return store.put(flag, expectedVersion, audit);
            }

            @Override
            public void delete(String key, long expectedVersion, AuditInfo audit) {
                store.delete(key, expectedVersion, audit);
            }

            @Override
            public AuditPage history(String key, String pageToken, int pageSize) {
                return store.history(key, pageToken, pageSize);
            }

            @Override
            public StoreSnapshot load() {
                return store.load();
            }

            @Override
            public long headRevision() {
                return store.headRevision();
            }
        };
        assertThatThrownBy(() -> StageFlag.advance(racing, KEY, AUDIT)).isInstanceOf(FlagWriteConflictException.class);
        assertThat(StageFlag.current(store, KEY)).containsExactly(Stage.OLD_ONLY);
    }

    @Test
    void aScheduledMoveCarriesEffectiveAtAndBlocksAnotherUntilItApplies() throws Exception {
        StageFlag.moveTo(store, KEY, Stage.DUAL_WRITE, AUDIT);
        Instant at = Instant.now().plus(Duration.ofHours(1));
        Flag scheduled = StageFlag.moveTo(store, KEY, Stage.SHADOW, at, AUDIT);
        assertThat(scheduled.effectiveAt()).contains(at);
        assertThat(scheduled.previous().map(StageFlag::served)).contains(EnumSet.of(Stage.DUAL_WRITE));
        flags.refresh();
        assertThat(flags.client().stringValue(KEY, dev.cutover.flags.EvaluationContext.empty(), "x"))
                .as("before effectiveAt the previous stage is served")
                .isEqualTo("DUAL_WRITE");
        assertThatThrownBy(() -> StageFlag.advance(store, KEY, AUDIT)).hasMessageContaining("scheduled at " + at);
    }

    @Test
    void aHandWrittenFlagIsReadAsTheStagesItCanServe() throws Exception {
        Flag custom = StageFlag.definition(KEY, Stage.SHADOW).toBuilder()
                .rule(Rule.when(Serve.variant("LIVE"), Clause.of("key", Operator.IN, "vip")))
                .build();
        store.put(custom, 0, AUDIT);
        assertThat(StageFlag.current(store, KEY)).containsExactlyInAnyOrder(Stage.SHADOW, Stage.LIVE);
        assertThat(StageFlag.served(StageFlag.moveTo(store, KEY, Stage.LIVE, AUDIT)))
                .containsExactly(Stage.LIVE);

        flags.set(Flag.builder("other")
                .type(dev.cutover.flags.VariantType.STRING)
                .variant("x", "BANANA")
                .build());
        assertThatThrownBy(() -> StageFlag.current(store, "other"))
                .hasMessageContaining("'BANANA', which names no stage");
    }

    @Test
    void stageNavigation() {
        assertThat(Stage.OLD_ONLY.previous()).isEmpty();
        assertThat(Stage.NEW_ONLY.next()).isEmpty();
        assertThat(Stage.SHADOW.next()).contains(Stage.LIVE);
        assertThat(Stage.SHADOW.canMoveTo(Stage.RAMP_DOWN)).isFalse();
        assertThat(Stage.parse(" ramp_down ")).contains(Stage.RAMP_DOWN);
        assertThat(Stage.parse("RAMPDOWN")).isEmpty();
        for (Stage s : Stage.values()) {
            assertThat(s.writesOld() && s.writesNew()).isEqualTo(s.shadowWrites());
            assertThat(s.shadow()).isNotEqualTo(s.authoritative());
        }
    }
}
