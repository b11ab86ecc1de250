package dev.cutover.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The encoding of log positions into versions orders exactly as the log does. */
class LogVersionProperties {

    @Property(tries = 2_000)
    void versionsOrderAsTheirLogPositions(
            @ForAll @LongRange(min = 1, max = LogVersion.MAX_LSN) long lsnA,
            @ForAll @LongRange(min = 1, max = 65_535) long positionA,
            @ForAll @LongRange(min = 1, max = LogVersion.MAX_LSN) long lsnB,
            @ForAll @LongRange(min = 1, max = 65_535) long positionB) {
        int log = lsnA != lsnB ? Long.compare(lsnA, lsnB) : Long.compare(positionA, positionB);
        assertThat(Integer.signum(Long.compare(LogVersion.of(lsnA, positionA), LogVersion.of(lsnB, positionB))))
                .isEqualTo(Integer.signum(log));
        assertThat(LogVersion.transactionLsnOf(LogVersion.of(lsnA, positionA))).isEqualTo(lsnA);
    }

    @Property(tries = 500)
    void aLargeTransactionStaysBelowTheNextOneWhileItFitsItsRoom(
            @ForAll @LongRange(min = 1, max = LogVersion.MAX_LSN - 64) long lsn,
            @ForAll @LongRange(min = 32, max = 64) long gap,
            @ForAll @LongRange(min = 65_536, max = 2_000_000) long position) {
        // a commit record takes at least 32 bytes: 2^16 positions per byte of distance
        assertThat(LogVersion.of(lsn, position)).isLessThan(LogVersion.of(lsn + gap, 1));
    }

    @Test
    void outOfRangeValuesAreNamed() {
        assertThatThrownBy(() -> LogVersion.of(0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 0 (0/0)");
        assertThatThrownBy(() -> LogVersion.of(LogVersion.MAX_LSN + 1, 1))
                .hasMessageContaining("but was " + (LogVersion.MAX_LSN + 1));
        assertThatThrownBy(() -> LogVersion.of(5, 0)).hasMessageContaining("must be >= 1 but was 0");
        assertThat(LogVersion.lsnText(0x16_B374D848L)).isEqualTo("16/B374D848");
    }
}
