package dev.cutover.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the rule of {@link ApiSignaturesHideInternalTypesTest} against fixtures that break it and that keep it. */
class ApiSignaturesHideInternalTypesFixturesTest {

    @Test
    void reportsEveryPartOfASignatureThatMentionsAnInternalType() {
        List<String> violations = Fixtures.violations(CutoverRules.apiSignaturesHideInternalTypes(), "api");

        assertThat(violations)
                .anyMatch(line -> line.contains("LeakyApi.exposedField mentions internal type"))
                .anyMatch(line -> line.contains("LeakyApi.<init>(dev.cutover.fixture.api.internal.Hidden)"))
                .anyMatch(line -> line.contains("LeakyApi.returnsHidden() mentions"))
                .anyMatch(line -> line.contains("LeakyApi.takesHiddenList(java.util.List) mentions"))
                .anyMatch(line -> line.contains("LeakyApi.boundedByHidden(dev.cutover.fixture.api.internal.Hidden)"))
                .anyMatch(line -> line.contains("LeakyApi.throwsHidden() mentions internal type "
                        + "dev.cutover.fixture.api.internal.HiddenException"))
                .anyMatch(line -> line.contains("LeakyDeclaration declares itself with internal type"));
    }

    @Test
    void ignoresWhatUsersCannotSee() {
        assertThat(Fixtures.violations(CutoverRules.apiSignaturesHideInternalTypes(), "api"))
                .hasSize(7)
                .noneMatch(line -> line.contains("privateField") || line.contains("packagePrivate()"))
                .noneMatch(line -> line.contains("privateMethod") || line.contains("NotPublic"))
                .noneMatch(line -> line.contains("Clean") || line.contains("Hidden.self()"));
    }
}
