package dev.cutover.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.compare.Difference;
import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.Stage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * How the stage walk sorts a mismatch once it has asked both sides again: a difference of form is
 * explained (in the strict run only), one that is gone is settled, anything else is unexplained.
 */
class MismatchSortingTest {
    private static final Analytics.CountryViewers DE = new Analytics.CountryViewers("DE", 2);
    private static final Analytics.CountryViewers FR = new Analytics.CountryViewers("FR", 1);

    /** Answers countries from a fixed list, and one report with a fixed average. */
    private record Fixed(
            List<Analytics.CountryViewers> countries,
            @Nullable BigDecimal avg) implements Analytics {
        @Override
        public PresentationReport getReport(String presentationId) {
            return new PresentationReport(presentationId, "t", "p", 3, 4, 5000, avg, List.of(), List.of(), 0, 0);
        }

        @Override
        public CountryBreakdown listViewersByCountry(String presentationId) {
            return new CountryBreakdown(presentationId, countries);
        }

        @Override
        public List<TopPresentation> listTopPresentations(int limit) {
            return List.of();
        }
    }

    @Test
    void theStrictRunExplainsDifferencesOfFormAndNothingElse() {
        ShadowDashboard.Run run = run(true, "listViewersByCountry", "getReport");
        StageWalk.sort(
                run,
                new Fixed(List.of(FR, DE), new BigDecimal("1.2345678901234567")),
                new Fixed(List.of(DE, FR), new BigDecimal("1.23456789012345678901")),
                2,
                Duration.ZERO);

        assertThat(run.explanations().keySet())
                .extracting(ShadowDashboard.Explanation::shown)
                .containsExactlyInAnyOrder("/countries order", "/avgWatchSeconds");
        assertThat(run.settledCount()).isZero();
        assertThat(run.unexplained()).isEmpty();
    }

    @Test
    void aMismatchGoneWhenAskedAgainIsSettled() {
        ShadowDashboard.Run strict = run(true, "listViewersByCountry");
        StageWalk.sort(strict, new Fixed(List.of(DE, FR), null), new Fixed(List.of(DE, FR), null), 2, Duration.ZERO);
        ShadowDashboard.Run normalized = run(false, "listViewersByCountry");
        // the order differs, but the normalized run's comparison does not count order
        StageWalk.sort(
                normalized, new Fixed(List.of(FR, DE), null), new Fixed(List.of(DE, FR), null), 2, Duration.ZERO);

        assertThat(strict.settledCount()).isOne();
        assertThat(normalized.settledCount()).isOne();
        assertThat(normalized.explanations()).isEmpty();
    }

    @Test
    void aDifferenceOfContentStaysUnexplained() {
        ShadowDashboard.Run run = run(true, "listViewersByCountry", "getReport");
        // a count moved from one country to another; an average that differs at 2 decimals
        StageWalk.sort(
                run,
                new Fixed(List.of(DE, FR), new BigDecimal("1.25")),
                new Fixed(
                        List.of(new Analytics.CountryViewers("DE", 1), new Analytics.CountryViewers("FR", 2)),
                        new BigDecimal("1.26")),
                3,
                Duration.ZERO);

        assertThat(run.explanations()).isEqualTo(Map.of());
        assertThat(run.settledCount()).isZero();
        assertThat(run.unexplained())
                .hasSize(2)
                .anySatisfy(u -> assertThat(u).contains("/countries"))
                .anySatisfy(u -> assertThat(u).contains("/avgWatchSeconds"));
    }

    private static ShadowDashboard.Run run(boolean strict, String... methods) {
        ShadowDashboard dashboard = new ShadowDashboard();
        ShadowDashboard.Run run = dashboard.startRun("test", strict);
        for (String method : methods) {
            dashboard.onComparison(new ComparisonReport(
                    "Analytics",
                    method,
                    "pres-00001",
                    Stage.SHADOW,
                    Outcome.MISMATCH,
                    List.of(new Difference("/x", Difference.Kind.CHANGED, "a", "b", null, null)),
                    Duration.ofMillis(1),
                    Duration.ofMillis(1),
                    true,
                    null));
        }
        return run;
    }
}
