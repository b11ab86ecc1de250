package dev.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.spring.internal.CutoverFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

/** Asserts how a context failed to start: through Cutover's failure analysis, naming property and value. */
final class Failures {
    private Failures() {}

    /** The analysis of the context's startup failure, which must be Cutover's. */
    static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        FailureAnalysis analysis = new CutoverFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis)
                .as("a CutoverConfigurationException in %s", context.getStartupFailure())
                .isNotNull();
        return analysis;
    }

    /** Asserts that the failure names the property and, when given, the value as written. */
    static void namesPropertyAndValue(AssertableApplicationContext context, String property, String value) {
        FailureAnalysis analysis = analysis(context);
        assertThat(analysis.getDescription())
                .startsWith(property + (value == null ? " is not set" : " is '" + value + "'"));
        assertThat(analysis.getAction()).isNotBlank();
    }
}
