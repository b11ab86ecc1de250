package dev.cutover.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.FailedWrite.Reason;
import dev.cutover.journal.FailedWrite.Target;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Details are shortened and cleaned, never rejected; writes needing nothing are kept as they are. */
class FailedWriteChecksTest {
    private static final int MAX = JdbcFailedWriteJournal.MAX_DETAIL_LENGTH;

    @Test
    void aDetailWithinTheLimitIsKept() {
        String d = "é😀".repeat(MAX / 3) + "x";
        assertThat(d.length()).isLessThanOrEqualTo(MAX);
        assertThat(FailedWriteChecks.shortDetail(d)).isSameAs(d);
        assertThat(FailedWriteChecks.shortDetail("")).isEmpty();
    }

    @Test
    void aLongDetailEndsInAnEllipsisAtTheLimit() {
        String d = FailedWriteChecks.shortDetail("a".repeat(MAX + 1));
        assertThat(d).hasSize(MAX).endsWith("a\u2026").startsWith("aaa");
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        // the pair straddles the cut at MAX - 1
        String d = FailedWriteChecks.shortDetail("a".repeat(MAX - 2) + "😀" + "b".repeat(10));
        assertThat(d).hasSize(MAX - 1).isEqualTo("a".repeat(MAX - 2) + "\u2026");
        // the pair ends right before the cut: kept
        String kept = FailedWriteChecks.shortDetail("a".repeat(MAX - 3) + "😀" + "b".repeat(10));
        assertThat(kept).hasSize(MAX).endsWith("😀\u2026");
    }

    @Test
    void unstorableCharactersAreReplaced() {
        assertThat(FailedWriteChecks.shortDetail("a\u0000b\uD800c\uDC00d😀")).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd😀");
        assertThat(FailedWriteChecks.shortDetail("end\uD83D")).isEqualTo("end\uFFFD");
    }

    @Test
    void aWriteNeedingNoChangeIsReturnedAsItIs() {
        FailedWrite w = new FailedWrite("R", "m", null, Target.OLD, Reason.CANCELLED, "d", Instant.EPOCH);
        assertThat(FailedWriteChecks.checked(w)).isSameAs(w);
        FailedWrite longDetail =
                new FailedWrite("R", "m", "k", Target.OLD, Reason.CANCELLED, "d".repeat(MAX * 2), Instant.EPOCH);
        FailedWrite stored = FailedWriteChecks.checked(longDetail);
        assertThat(stored.detail()).hasSize(MAX);
        assertThat(stored).usingRecursiveComparison().ignoringFields("detail").isEqualTo(longDetail);
    }
}
