package dev.cutover.architecture;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Rule: no class uses an {@code internal} package of another module.
 *
 * <p>Any package with an {@code internal} segment ({@code dev.cutover.flags.internal},
 * {@code dev.cutover.replication.internal.mirror}) is the engine of the module that holds it: that
 * module's own classes may use it freely, no other module may, whatever the dependency (an import,
 * a call, a field, a type argument, an annotation). A class's module is where its class file comes
 * from ({@link CutoverModules}), so {@code dev.cutover.replication.dynamodb} (replication-dynamodb)
 * may not use {@code dev.cutover.replication.internal} (replication) although the package names
 * nest. A module that needs something of another module's engine gets it through that module's API
 * or SPI.
 *
 * <p>{@link InternalPackagesStayInTheirModuleFixturesTest} proves that the rule reports deliberately bad fixtures.
 */
@AnalyzeClasses(packages = "dev.cutover", importOptions = CutoverModules.PublishedMainClasses.class)
class InternalPackagesStayInTheirModuleTest {

    @ArchTest
    static final ArchRule internalPackagesStayInTheirModule = CutoverRules.internalPackagesStayInTheirModule();
}
