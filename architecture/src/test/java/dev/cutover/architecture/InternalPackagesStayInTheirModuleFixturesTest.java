package dev.cutover.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the rule of {@link InternalPackagesStayInTheirModuleTest} against fixtures that break it and that keep it. */
class InternalPackagesStayInTheirModuleFixturesTest {

    @Test
    void reportsAClassThatUsesAnotherModulesInternals() {
        assertThat(Fixtures.violations(CutoverRules.internalPackagesStayInTheirModule(), "boundary"))
                .isNotEmpty()
                .allMatch(line -> line.contains("ReachesIntoFlagsCore"))
                .anyMatch(line -> line.contains("dev.cutover.flags.internal.Bucketing"))
                .anyMatch(line -> line.contains("module architecture uses flags-core's internals"));
    }

    @Test
    void allowsAModuleItsOwnInternals() {
        assertThat(Fixtures.violations(CutoverRules.internalPackagesStayInTheirModule(), "boundary"))
                .noneMatch(line -> line.contains("UsesOwnInternals") || line.contains("OwnEngine"));
    }
}
