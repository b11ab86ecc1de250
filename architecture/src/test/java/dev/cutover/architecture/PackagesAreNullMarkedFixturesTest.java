package dev.cutover.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the rule of {@link PackagesAreNullMarkedTest} against fixtures that break it and that keep it. */
class PackagesAreNullMarkedFixturesTest {

    @Test
    void reportsAPackageWithoutNullMarkedPackageInfo() {
        assertThat(Fixtures.violations(CutoverRules.packagesAreNullMarked(), "unmarked"))
                .containsExactly(
                        "package dev.cutover.fixture.unmarked of module architecture is not @NullMarked in a package-info");
    }

    @Test
    void acceptsAPackageWithNullMarkedPackageInfo() {
        assertThat(Fixtures.violations(CutoverRules.packagesAreNullMarked(), "cycle"))
                .isEmpty();
    }
}
