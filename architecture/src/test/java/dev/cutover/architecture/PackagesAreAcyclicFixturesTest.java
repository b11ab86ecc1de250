package dev.cutover.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the rule of {@link PackagesAreAcyclicTest} against fixtures that break it and that keep it. */
class PackagesAreAcyclicFixturesTest {

    @Test
    void reportsTwoApiPackagesThatDependOnEachOther() {
        assertThat(String.join("\n", Fixtures.violations(CutoverRules.packagesAreAcyclic(), "cycle")))
                .contains("Cycle detected: Slice architecture - dev.cutover.fixture.cycle.a")
                .contains("dev.cutover.fixture.cycle.a.Alpha")
                .contains("dev.cutover.fixture.cycle.b.Beta");
    }

    @Test
    void reportsTwoEnginePackagesThatDependOnEachOther() {
        assertThat(String.join("\n", Fixtures.violations(CutoverRules.packagesAreAcyclic(), "cycle")))
                .contains("Cycle detected: Slice architecture - dev.cutover.fixture.cycle.internal.left")
                .contains("dev.cutover.fixture.cycle.internal.left.Left")
                .contains("dev.cutover.fixture.cycle.internal.right.Right");
    }

    @Test
    void acceptsAnEngineThatImplementsItsApiAndAnSpiThatPassesItsValues() {
        assertThat(Fixtures.violations(CutoverRules.packagesAreAcyclic(), "layers"))
                .isEmpty();
    }
}
