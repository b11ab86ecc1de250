package dev.cutover.architecture;

import static com.tngtech.archunit.lang.SimpleConditionEvent.violated;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.all;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules themselves, shared by the tests that check them against the published modules and
 * against the fixtures that prove each can fail. Each rule's test documents it.
 */
final class CutoverRules {

    private static final String ROOT = "dev.cutover";
    private static final Pattern INTERNAL = Pattern.compile("(^|\\.)internal(\\.|$)");
    private static final Pattern SPI = Pattern.compile("(^|\\.)spi(\\.|$)");
    private static final String NULL_MARKED = "org.jspecify.annotations.NullMarked";
    private static final String TESTKIT_MODULE = "testkit";
    private static final List<String> TEST_SUPPORT_PACKAGES = List.of("dev.cutover.testkit", "dev.cutover.testsupport");

    private CutoverRules() {}

    /** See {@link InternalPackagesStayInTheirModuleTest}. */
    static ArchRule internalPackagesStayInTheirModule() {
        return classes().should(dependOnNo("use no internal package of another module", (module, target) -> {
            if (!isCutover(target) || !isInternal(target.getPackageName())) {
                return null;
            }
            String targetModule = CutoverModules.of(target);
            return targetModule.equals(module) ? null : "module " + module + " uses " + targetModule + "'s internals";
        }));
    }

    /** See {@link ApiSignaturesHideInternalTypesTest}. */
    static ArchRule apiSignaturesHideInternalTypes() {
        return classes()
                .that(API_TYPES)
                .should(new ArchCondition<JavaClass>("mention no internal type in a public or protected signature") {
                    @Override
                    public void check(JavaClass type, ConditionEvents events) {
                        for (JavaClass mentioned : declarationTypes(type)) {
                            if (isInternalCutover(mentioned)) {
                                events.add(violated(
                                        type,
                                        type.getName() + " declares itself with internal type " + mentioned.getName()));
                            }
                        }
                        for (JavaMember member : type.getMembers()) {
                            if (!isVisibleToUsers(member)) {
                                continue;
                            }
                            for (JavaClass mentioned : signatureTypes(member)) {
                                if (isInternalCutover(mentioned)) {
                                    events.add(violated(
                                            member,
                                            member.getFullName() + " mentions internal type " + mentioned.getName()));
                                }
                            }
                        }
                    }
                });
    }

    /** See {@link PackagesAreAcyclicTest}. */
    static ArchRule packagesAreAcyclic() {
        return SlicesRuleDefinition.slices()
                .assignedFrom(new SliceAssignment() {
                    @Override
                    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                        return isCutover(javaClass)
                                ? SliceIdentifier.of(CutoverModules.of(javaClass), javaClass.getPackageName())
                                : SliceIdentifier.ignore();
                    }

                    @Override
                    public String getDescription() {
                        return "the packages of each module";
                    }
                })
                .should()
                .beFreeOfCycles()
                .ignoreDependency(IN_ENGINE, OUTSIDE_ENGINE)
                .ignoreDependency(IN_SPI, IN_API);
    }

    /** See {@link MainCodeIgnoresTestSupportTest}. */
    static ArchRule mainCodeIgnoresTestSupport() {
        return classes()
                .should(dependOnNo(
                        "depend on neither cutover-testkit nor the test fixtures",
                        (module, target) -> isTestSupport(target)
                                        && !CutoverModules.of(target).equals(module)
                                ? "main code of " + module + " depends on test support"
                                : null));
    }

    /** Why a dependency of a class in {@code module} on {@code target} is forbidden, or null. */
    @FunctionalInterface
    private interface Forbidden {
        @Nullable
        String reason(String module, JavaClass target);
    }

    /** Reports every direct dependency that {@code forbidden} gives a reason against. */
    private static ArchCondition<JavaClass> dependOnNo(String description, Forbidden forbidden) {
        return new ArchCondition<>(description) {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                String module = CutoverModules.of(origin);
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    String reason =
                            forbidden.reason(module, dependency.getTargetClass().getBaseComponentType());
                    if (reason != null) {
                        events.add(violated(dependency, reason + ": " + dependency.getDescription()));
                    }
                }
            }
        };
    }

    /** See {@link PackagesAreNullMarkedTest}. */
    static ArchRule packagesAreNullMarked() {
        return all(MODULE_PACKAGES)
                .should(new ArchCondition<ModulePackage>("have a package-info annotated with @NullMarked") {
                    @Override
                    public void check(ModulePackage modulePackage, ConditionEvents events) {
                        if (!modulePackage.isNullMarked()) {
                            events.add(
                                    violated(modulePackage, modulePackage + " is not @NullMarked in a package-info"));
                        }
                    }
                });
    }

    /** One package as one module holds it: a package split over two modules counts twice. */
    record ModulePackage(String module, String name, List<JavaClass> classes) {
        boolean isNullMarked() {
            return classes.stream()
                    .anyMatch(c -> c.getSimpleName().equals("package-info") && c.isAnnotatedWith(NULL_MARKED));
        }

        @Override
        public String toString() {
            return "package " + name + " of module " + module;
        }
    }

    private static final AbstractClassesTransformer<ModulePackage> MODULE_PACKAGES =
            new AbstractClassesTransformer<>("packages") {
                @Override
                public Iterable<ModulePackage> doTransform(JavaClasses classes) {
                    Map<String, Map<String, List<JavaClass>>> byModule = new TreeMap<>();
                    for (JavaClass javaClass : classes) {
                        if (isCutover(javaClass)) {
                            byModule.computeIfAbsent(CutoverModules.of(javaClass), m -> new TreeMap<>())
                                    .computeIfAbsent(javaClass.getPackageName(), p -> new ArrayList<>())
                                    .add(javaClass);
                        }
                    }
                    List<ModulePackage> packages = new ArrayList<>();
                    byModule.forEach((module, byName) ->
                            byName.forEach((name, members) -> packages.add(new ModulePackage(module, name, members))));
                    return packages;
                }
            };

    private static final DescribedPredicate<JavaClass> IN_ENGINE =
            DescribedPredicate.describe("an engine class", c -> isCutover(c) && isInternal(c.getPackageName()));
    private static final DescribedPredicate<JavaClass> OUTSIDE_ENGINE = DescribedPredicate.describe(
            "the API or SPI it serves", c -> isCutover(c) && !isInternal(c.getPackageName()));
    private static final DescribedPredicate<JavaClass> IN_SPI =
            DescribedPredicate.describe("an SPI class", c -> isCutover(c) && isSpi(c.getPackageName()));
    private static final DescribedPredicate<JavaClass> IN_API = DescribedPredicate.describe(
            "an API value it passes",
            c -> isCutover(c) && !isInternal(c.getPackageName()) && !isSpi(c.getPackageName()));

    /** Public types, nested ones only inside public types, outside internal packages. */
    private static final DescribedPredicate<JavaClass> API_TYPES = DescribedPredicate.describe(
            "are public types outside internal packages",
            type -> isCutover(type) && !isInternal(type.getPackageName()) && isVisibleToUsers(type));

    private static boolean isVisibleToUsers(JavaClass type) {
        if (type.isAnonymousClass() || type.isLocalClass()) {
            return false;
        }
        Set<JavaModifier> modifiers = type.getModifiers();
        boolean visible = modifiers.contains(JavaModifier.PUBLIC)
                || (type.isNestedClass() && modifiers.contains(JavaModifier.PROTECTED));
        return visible
                && type.getEnclosingClass().map(CutoverRules::isVisibleToUsers).orElse(true);
    }

    private static boolean isVisibleToUsers(JavaMember member) {
        Set<JavaModifier> modifiers = member.getModifiers();
        return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
                && !modifiers.contains(JavaModifier.SYNTHETIC)
                && !modifiers.contains(JavaModifier.BRIDGE);
    }

    /** Superclass, interfaces and type parameter bounds of a type. */
    private static Set<JavaClass> declarationTypes(JavaClass type) {
        Set<JavaClass> mentioned = new LinkedHashSet<>();
        type.getSuperclass().ifPresent(superclass -> mentioned.addAll(superclass.getAllInvolvedRawTypes()));
        type.getInterfaces().forEach(i -> mentioned.addAll(i.getAllInvolvedRawTypes()));
        addBounds(type.getTypeParameters(), mentioned);
        return mentioned;
    }

    /** Field type; or parameters, return type, type parameter bounds and thrown types. */
    private static Set<JavaClass> signatureTypes(JavaMember member) {
        Set<JavaClass> mentioned = new LinkedHashSet<>();
        if (member instanceof JavaField field) {
            mentioned.addAll(field.getType().getAllInvolvedRawTypes());
        } else if (member instanceof JavaCodeUnit codeUnit) {
            codeUnit.getParameterTypes().forEach(p -> mentioned.addAll(p.getAllInvolvedRawTypes()));
            mentioned.addAll(codeUnit.getReturnType().getAllInvolvedRawTypes());
            addBounds(codeUnit.getTypeParameters(), mentioned);
            codeUnit.getThrowsClause().getTypes().forEach(t -> mentioned.add(t));
        }
        return mentioned;
    }

    private static void addBounds(Collection<? extends JavaTypeVariable<?>> variables, Set<JavaClass> into) {
        for (JavaTypeVariable<?> variable : variables) {
            for (JavaType bound : variable.getBounds()) {
                into.addAll(bound.getAllInvolvedRawTypes());
            }
        }
    }

    private static boolean isCutover(JavaClass javaClass) {
        String name = javaClass.getPackageName();
        return name.equals(ROOT) || name.startsWith(ROOT + ".");
    }

    private static boolean isInternal(String packageName) {
        return INTERNAL.matcher(packageName).find();
    }

    private static boolean isSpi(String packageName) {
        return SPI.matcher(packageName).find();
    }

    private static boolean isInternalCutover(JavaClass javaClass) {
        JavaClass base = javaClass.getBaseComponentType();
        return isCutover(base) && isInternal(base.getPackageName());
    }

    private static boolean isTestSupport(JavaClass javaClass) {
        String name = javaClass.getPackageName();
        return TEST_SUPPORT_PACKAGES.stream().anyMatch(p -> name.equals(p) || name.startsWith(p + "."))
                || CutoverModules.of(javaClass).equals(TESTKIT_MODULE);
    }
}
