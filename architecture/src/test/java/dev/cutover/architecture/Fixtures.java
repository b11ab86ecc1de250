package dev.cutover.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;

/** Runs a rule against the fixtures of one package under {@code dev.cutover.fixture}. */
final class Fixtures {

    private Fixtures() {}

    /** The rule's violations among the classes of {@code dev.cutover.fixture.<name>} and below. */
    static List<String> violations(ArchRule rule, String name) {
        JavaClasses classes = new ClassFileImporter().importPackages("dev.cutover.fixture." + name);
        EvaluationResult result = rule.evaluate(classes);
        return result.getFailureReport().getDetails();
    }
}
