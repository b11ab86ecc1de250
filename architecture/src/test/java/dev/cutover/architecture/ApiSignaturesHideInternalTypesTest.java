package dev.cutover.architecture;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Rule: the API never shows an internal type.
 *
 * <p>A type that users can see (public, outside every {@code internal} package, nested only in such
 * types) mentions no type of an {@code internal} package in its own declaration (superclass,
 * interfaces, type parameter bounds) nor in any public or protected field, constructor or method:
 * not in a field's type, a parameter, a return type, a type argument anywhere in those, a type
 * parameter's bound or a thrown type. Otherwise a user could not call or implement that member
 * without reaching into the engine, and the engine could not change without breaking them. Private
 * and package-private members, types users cannot see and the internal packages themselves are not
 * checked. Compiler-generated bridge and synthetic members are skipped: the member they stand for is
 * checked.
 *
 * <p>{@link ApiSignaturesHideInternalTypesFixturesTest} proves that the rule reports deliberately bad fixtures.
 */
@AnalyzeClasses(packages = "dev.cutover", importOptions = CutoverModules.PublishedMainClasses.class)
class ApiSignaturesHideInternalTypesTest {

    @ArchTest
    static final ArchRule apiSignaturesHideInternalTypes = CutoverRules.apiSignaturesHideInternalTypes();
}
