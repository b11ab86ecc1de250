package dev.cutover.architecture;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Rule: main code depends on no test support.
 *
 * <p>No main class of a published module depends on the test fixtures ({@code dev.cutover.testsupport},
 * the unpublished test-support module), and none outside cutover-testkit depends on the testkit
 * ({@code dev.cutover.testkit}): both are for tests, and a library that needed them at run time
 * would drag JUnit, jqwik and embedded databases onto its users' class path. The testkit itself
 * uses its own packages freely. Javadoc may still name a testkit contract: it leaves no dependency
 * in the class file.
 *
 * <p>{@link MainCodeIgnoresTestSupportFixturesTest} proves that the rule reports deliberately bad fixtures.
 */
@AnalyzeClasses(packages = "dev.cutover", importOptions = CutoverModules.PublishedMainClasses.class)
class MainCodeIgnoresTestSupportTest {

    @ArchTest
    static final ArchRule mainCodeIgnoresTestSupport = CutoverRules.mainCodeIgnoresTestSupport();
}
