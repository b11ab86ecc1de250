package dev.cutover.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.examples.LiveStatus;
import dev.cutover.examples.MigrationReport;
import org.junit.jupiter.api.Test;

/**
 * Migration 1 end to end at a small size: the app writes throughout and sees no error, the mirror
 * settles every delivery, the backfill copies, the proxy goes to NEW_ONLY with a rollback on the
 * way, and the reconciliation finds the warehouse equal to the old store.
 */
class AnalyticsMigrationTest {

    @Test
    void migratesWithoutLossOrDifferenceAndRollsBackOnce() throws Exception {
        MigrationReport report;
        try (LiveStatus status = LiveStatus.silent()) {
            report = AnalyticsMigration.run(new AnalyticsMigration.Options(2_000, 80, 200, 6, 7L), status);
        }
        report.print(System.out);

        assertThat(report.problems()).isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(number(report, "errors seen by the application")).isZero();

        long history = number(report, "events before mirroring (history)");
        assertThat(history).isGreaterThanOrEqualTo(2_000);
        assertThat(number(report, "mirror: events skipped while the flag was off"))
                .isEqualTo(history);
        assertThat(number(report, "events written")).isEqualTo(history + number(report, "events while migrating"));
        assertThat(number(report, "changes mirrored"))
                .isEqualTo(number(report, "events while migrating"))
                .isPositive();
        assertThat(number(report, "redelivered by the queue"))
                .as("the queue redelivers")
                .isPositive();
        long deliveries = number(report, "deliveries (mirrored + redelivered)");
        assertThat(number(report, "applied")
                        + number(report, "superseded (a newer version was there)")
                        + number(report, "duplicates"))
                .isEqualTo(deliveries);
        assertThat(number(report, "duplicates")).isPositive();
        assertThat(number(report, "dropped or failed")).isZero();

        assertThat(number(report, "rows backfilled")).isPositive();
        assertThat(number(report, "backfill: rows read"))
                .isEqualTo(number(report, "rows backfilled")
                        + number(report, "rows already newer in the warehouse (superseded)")
                        + number(report, "rows already there (duplicate)"));

        assertThat(number(report, "missing in warehouse")).isZero();
        assertThat(number(report, "extra in warehouse")).isZero();
        assertThat(number(report, "different")).isZero();
        String[] rows =
                report.value("reconciliation: old entities / warehouse rows").split(" / ");
        assertThat(rows[0]).isEqualTo(rows[1]);

        assertThat(report.value("stage changes"))
                .isEqualTo("OLD_ONLY > DUAL_WRITE > SHADOW > LIVE > SHADOW (rollback) > LIVE > RAMP_DOWN > NEW_ONLY");
        // every mismatch explained or settled: the report would hold a problem otherwise
        for (String run : new String[] {
            "SHADOW, strict comparison", "SHADOW, normalized", "LIVE", "SHADOW after the rollback", "LIVE again"
        }) {
            assertThat(report.value("comparisons in " + run))
                    .as(run)
                    .isNotNull()
                    .startsWith("6 (");
        }
    }

    private static long number(MigrationReport report, String label) {
        String value = report.value(label);
        assertThat(value).as("fact '%s'", label).isNotNull();
        return Long.parseLong(value);
    }
}
