package dev.cutover.architecture;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Rule: every package of the published modules is {@code @NullMarked}.
 *
 * <p>Each package, in each module that holds classes of it, has a {@code package-info.java}
 * annotated with JSpecify's {@code @NullMarked}: types are non-null unless written
 * {@code @Nullable}, for the compiler, the IDE and the reader alike. Internal packages are no
 * exception. A package-info without the annotation, or none at all, fails.
 *
 * <p>{@link PackagesAreNullMarkedFixturesTest} proves that the rule reports deliberately bad fixtures.
 */
@AnalyzeClasses(packages = "dev.cutover", importOptions = CutoverModules.PublishedMainClasses.class)
class PackagesAreNullMarkedTest {

    @ArchTest
    static final ArchRule packagesAreNullMarked = CutoverRules.packagesAreNullMarked();
}
