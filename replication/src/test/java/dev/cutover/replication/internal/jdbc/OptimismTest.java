package dev.cutover.replication.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The backoff of the plain-insert attempt: doubling skips after failures, reset by a success. */
class OptimismTest {

    private static int skipsBeforeNextAttempt(VersionedApply.Optimism o) {
        int skipped = 0;
        while (o.skip()) {
            skipped++;
        }
        return skipped;
    }

    @Test
    void failuresDoubleTheSkipsUpToTheCapAndASuccessResetsThem() {
        VersionedApply.Optimism o = new VersionedApply.Optimism();
        assertThat(o.skip()).as("tries at first").isFalse();
        o.failed();
        assertThat(skipsBeforeNextAttempt(o)).isEqualTo(1);
        o.failed();
        assertThat(skipsBeforeNextAttempt(o)).isEqualTo(2);
        o.failed();
        assertThat(skipsBeforeNextAttempt(o)).isEqualTo(4);
        for (int i = 0; i < 10; i++) {
            o.failed();
        }
        assertThat(skipsBeforeNextAttempt(o)).isEqualTo(VersionedApply.MAX_OPTIMISM_SKIPS);
        o.succeeded();
        o.failed();
        assertThat(skipsBeforeNextAttempt(o))
                .as("after a success, one failure skips one run again")
                .isEqualTo(1);
    }
}
