package dev.cutover.architecture;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Rule: the packages of a module depend on each other without a cycle.
 *
 * <p>Each package of each module is one slice (a package split over two modules would be two), and
 * no chain of dependencies may lead from a slice back to itself, with two kinds of dependency that
 * point up the layers by design and so are left out of the graph:
 *
 * <ul>
 *   <li>from an engine package (one with an {@code internal} segment) to an API or SPI package: the
 *       engine implements the API ({@code DefaultFlagClient implements FlagClient}) and works on its
 *       values, while the API's factories construct the engine;
 *   <li>from an SPI package (one with an {@code spi} segment) to an API package: the SPI passes the
 *       API's values ({@code WritableFlagStore.put(Flag, ...)}), while the API's entry points take an
 *       SPI implementation ({@code FlagClient.builder(FlagStore)}).
 * </ul>
 *
 * <p>Everything else must be acyclic: API packages among themselves, SPI packages among themselves,
 * engine packages among themselves ({@code internal.mirror} and {@code internal.backfill} may both
 * use {@code internal}, but not each other both ways), and any chain of downward dependencies. A
 * cycle means the packages on it can only be understood, tested and changed together: they belong
 * in one package, or what they share belongs in a package below both. Modules cannot form cycles
 * among themselves (Maven refuses), so this covers every cycle in the published code.
 *
 * <p>{@link PackagesAreAcyclicFixturesTest} proves that the rule reports deliberately bad fixtures.
 */
@AnalyzeClasses(packages = "dev.cutover", importOptions = CutoverModules.PublishedMainClasses.class)
class PackagesAreAcyclicTest {

    @ArchTest
    static final ArchRule packagesAreAcyclic = CutoverRules.packagesAreAcyclic();
}
