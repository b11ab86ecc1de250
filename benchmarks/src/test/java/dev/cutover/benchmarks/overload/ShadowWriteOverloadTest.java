package dev.cutover.benchmarks.overload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.benchmarks.Account;
import dev.cutover.benchmarks.SimulatedAccounts;
import dev.cutover.benchmarks.overload.ShadowWriteOverload.Check;
import dev.cutover.benchmarks.overload.ShadowWriteOverload.Report;
import dev.cutover.benchmarks.overload.ShadowWriteOverload.Settings;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.Gap;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shadow-write overload program in miniature (2,000 keys, 2,000 writes a second against a
 * shadow side that absorbs under 1,000, 1 s per phase), and its zero-loss check against journals
 * that do and do not hold a differing key, so the check cannot pass by counting nothing. No timing
 * is asserted.
 */
class ShadowWriteOverloadTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anOverloadedProxyLeavesNoDifferingKeyUnrecorded() throws Exception {
        Settings s = new Settings(
                2_000,
                4,
                2_000,
                Duration.ofNanos(10_000),
                Duration.ofMillis(1),
                1,
                100,
                Duration.ofMillis(200),
                1_000_000,
                Duration.ofMillis(300),
                Duration.ofSeconds(1),
                1);

        Report r = ShadowWriteOverload.run(s, System.out);
        System.out.println(ShadowWriteOverload.markdown(r));

        Check c = r.check();
        assertThat(c.writes()).isEqualTo(2_600); // warm-up 600 + 2,000
        assertThat(r.direct().writes()).isEqualTo(2_000);
        assertThat(r.proxy().writes()).isEqualTo(2_000);
        long missed = r.counts().shadowWritesMissed().values().stream()
                .mapToLong(Long::longValue)
                .sum();
        assertThat(r.counts().shadowWritesSucceeded() + missed).isEqualTo(c.writes());
        assertThat(r.counts().shadowWritesMissed(FailedWrite.Reason.SHED))
                .as("overloaded")
                .isPositive();
        assertThat(c.differing()).as("keys the shadow side missed").isPositive();
        assertThat(c.unrecorded()).isZero();
        assertThat(c.journaledDiffering()).isEqualTo(c.differing());
        assertThat(c.pendingEntries()).isLessThanOrEqualTo(c.distinctKeys());
        assertThat(r.idle()).isTrue();
        assertThat(r.closedCleanly()).isTrue();
        assertThat(ShadowWriteOverload.failure(r)).isNull();
    }

    @Test
    void aDifferingKeyIsUnrecordedUnlessJournaledOrInAnOpenGap() throws Exception {
        String[] ids = {"k0", "k1", "k2"};
        SimulatedAccounts old = SimulatedAccounts.instant(
                List.of(new Account("k0", "o", 1), new Account("k1", "o", 2), new Account("k2", "o", 3)));
        SimulatedAccounts neu =
                SimulatedAccounts.instant(List.of(new Account("k0", "o", 1), new Account("k1", "o", 1)));
        KeyWindows windows = new KeyWindows(3);
        for (int k = 0; k < 3; k++) {
            windows.wrote(k, T.getEpochSecond() * 1_000_000_000L);
        }
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        Duration budget = Duration.ofSeconds(1);
        Instant now = T.plusSeconds(60);

        Check none = ShadowWriteOverload.check(ids, old, neu, journal, windows, budget, now);
        assertThat(none.differing()).isEqualTo(2);
        assertThat(none.unrecorded()).isEqualTo(2);

        long k1 = journal.append(missed("k1"));
        journal.append(missed("k2"));
        Check both = ShadowWriteOverload.check(ids, old, neu, journal, windows, budget, now);
        assertThat(both.unrecorded()).isZero();
        assertThat(both.journaledDiffering()).isEqualTo(2);

        journal.resolve(List.of(k1));
        assertThat(ShadowWriteOverload.check(ids, old, neu, journal, windows, budget, now)
                        .unrecorded())
                .isEqualTo(1);

        journal.putGap(new Gap("run", "Accounts", Gap.Kind.RUN, T.minusSeconds(1), now.plusSeconds(30), "live run"));
        assertThat(ShadowWriteOverload.check(ids, old, neu, journal, windows, budget, now)
                        .unrecorded())
                .as("a live run's record covers nothing")
                .isEqualTo(1);

        journal.putGap(new Gap("late", "Accounts", Gap.Kind.OVERFLOW, T.plusSeconds(10), T.plusSeconds(11), "after"));
        assertThat(ShadowWriteOverload.check(ids, old, neu, journal, windows, budget, now)
                        .unrecorded())
                .as("a gap after the key's writes and budget")
                .isEqualTo(1);

        journal.putGap(new Gap("over", "Accounts", Gap.Kind.OVERFLOW, T, T.plusMillis(5), "overflow"));
        Check gap = ShadowWriteOverload.check(ids, old, neu, journal, windows, budget, now);
        assertThat(gap.unrecorded()).isZero();
        assertThat(gap.gapDiffering()).isEqualTo(1);
    }

    private static FailedWrite missed(String key) {
        return new FailedWrite("Accounts", "save", key, FailedWrite.Target.NEW, FailedWrite.Reason.SHED, "test", T);
    }
}
