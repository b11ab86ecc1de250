package dev.cutover.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.examples.LiveStatus;
import dev.cutover.examples.MigrationReport;
import org.junit.jupiter.api.Test;

/**
 * Migration 1 at a small size with its mirror's changes on a real SQS queue (ElasticMQ in-process,
 * {@code --queue sqs}): every change sent is received, applied and acknowledged, and the
 * reconciliation finds the warehouse equal to the old store.
 */
class AnalyticsOnSqsTest {

    @Test
    void theMigrationEndsCleanWithItsMirrorOnSqs() throws Exception {
        MigrationReport report;
        try (LiveStatus status = LiveStatus.silent()) {
            report = AnalyticsMigration.run(new AnalyticsMigration.Options(2_000, 80, 200, 6, 7L).onSqs(), status);
        }
        report.print(System.out);

        assertThat(report.problems()).isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(report.value("mirror queue")).isEqualTo("SQS (ElasticMQ in-process)");
        long mirrored = number(report, "changes mirrored");
        assertThat(mirrored).isEqualTo(number(report, "events while migrating")).isPositive();
        assertThat(number(report, "applied")
                        + number(report, "superseded (a newer version was there)")
                        + number(report, "duplicates"))
                .isEqualTo(number(report, "deliveries (mirrored + redelivered)"));
        assertThat(number(report, "dropped or failed")).isZero();
        assertThat(number(report, "missing in warehouse")).isZero();
        assertThat(number(report, "extra in warehouse")).isZero();
        assertThat(number(report, "different")).isZero();
        assertThat(report.value("stage changes"))
                .isEqualTo("OLD_ONLY > DUAL_WRITE > SHADOW > LIVE > SHADOW (rollback) > LIVE > RAMP_DOWN > NEW_ONLY");
    }

    private static long number(MigrationReport report, String label) {
        String value = report.value(label);
        assertThat(value).as("fact '%s'", label).isNotNull();
        return Long.parseLong(value);
    }
}
