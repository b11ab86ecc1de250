package dev.cutover.spring.internal;

import dev.cutover.spring.CutoverConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints a {@link CutoverConfigurationException} as Spring Boot's "APPLICATION FAILED TO START"
 * report: the property, its value and what is wrong as the description, what to do as the action.
 */
public final class CutoverFailureAnalyzer extends AbstractFailureAnalyzer<CutoverConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CutoverConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
