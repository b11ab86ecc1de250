package dev.cutover.examples.rekey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.examples.LiveStatus;
import dev.cutover.examples.MigrationReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The primary-key migration end to end at a small size, on DynamoDB Local: its report must be
 * clean, name the near-duplicates as collisions, show every flip in unison and no error.
 */
class RekeyMigrationTest {

    @Test
    void aSmallRunIsCleanReportsTheNearDuplicatesAndFlipsInUnison() throws Exception {
        RekeyMigration.Options small = new RekeyMigration.Options(
                600, 3, 12, 600, Duration.ofMillis(40), Duration.ofSeconds(2), Duration.ofMillis(800));
        MigrationReport report;
        try (LiveStatus status = LiveStatus.silent()) {
            report = RekeyMigration.run(small, status);
        }
        report.print(System.out);

        assertThat(report.problems()).as("problems").isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(report.value("old table")).contains("603 orders", "3 near-duplicate pairs");
        // the dump is taken while the services write, so it holds about 603 lines; every one is read
        assertThat(report.value("dump lines backfilled")).matches("(\\d+) of \\1: .*, 0 rejected");
        assertThat(report.value("collisions")).startsWith("3 ");
        for (int i = 1; i <= 3; i++) {
            assertThat(report.value("  collision " + i))
                    .as("collision %d lists both old ids", i)
                    .matches("'.+' and '.+' -> 'order-\\d{6}'");
        }
        assertThat(report.value("flip 1: SHADOW -> LIVE")).contains("all 12 agreed within", "0 late and 0 early");
        assertThat(report.value("flip 2: LIVE -> SHADOW")).contains("all 12 agreed within", "0 late and 0 early");
        assertThat(report.value("flip 3: SHADOW -> LIVE")).contains("all 12 agreed within", "0 late and 0 early");
        assertThat(report.value("reconciliation before the flips"))
                .startsWith("missing 0, extra 0, different 0, errors 0; collisions 3 ");
        assertThat(report.value("final reconciliation"))
                .startsWith("missing 0, extra 0, different 0, errors 0; collisions 3 ");
        assertThat(report.value("items written by traffic")).doesNotStartWith("0 ");
        assertThat(report.value("stream records mirrored"))
                .doesNotStartWith("0:")
                .contains("0 rejected, 0 collisions");
        assertThat(report.value("errors seen by the application")).isEqualTo("0");
    }

    @Test
    void badOptionsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> RekeyMigration.Options.ofSize(0)).hasMessage("size must be 1 to 100 but was 0");
        assertThatThrownBy(() -> RekeyMigration.Options.ofSize(101)).hasMessage("size must be 1 to 100 but was 101");
        assertThatThrownBy(() -> new RekeyMigration.Options(
                        600, 61, 12, 600, Duration.ofMillis(20), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessage("nearDuplicates must be 0 to orders / 10 (60) but was 61");
        assertThatThrownBy(() -> new RekeyMigration.Options(
                        600, 3, 12, 600, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(1)))
                .hasMessageContaining("flipLead must be at least 300 ms")
                .hasMessageContaining("but was PT0.1S");
    }
}
