package dev.cutover.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the rule of {@link MainCodeIgnoresTestSupportTest} against fixtures that break it and that keep it. */
class MainCodeIgnoresTestSupportFixturesTest {

    @Test
    void reportsMainCodeThatDependsOnTheTestkit() {
        assertThat(Fixtures.violations(CutoverRules.mainCodeIgnoresTestSupport(), "testsupport"))
                .isNotEmpty()
                .allMatch(line -> line.contains("main code of architecture depends on test support"))
                .anyMatch(line ->
                        line.contains("UsesTestFlags.flags()") && line.contains("dev.cutover.testkit.TestFlags"));
    }
}
