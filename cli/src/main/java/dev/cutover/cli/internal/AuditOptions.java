package dev.cutover.cli.internal;

import dev.cutover.flags.spi.AuditInfo;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Who makes a write and why: required for every write, recorded in the audit history. An actor is
 * one line of plain text ({@link AuditInfo}); a reason may span lines and is shown escaped on one
 * line by {@code flags history}.
 */
public final class AuditOptions {
    @Option(names = "--actor", paramLabel = "WHO", description = "Who makes the change (required for writes).")
    @Nullable
    String actor;

    @Option(
            names = "--reason",
            paramLabel = "WHY",
            description = "Why, for whoever reads the history (required for writes).")
    @Nullable
    String reason;

    /** The audit info, or a usage error naming what is missing. */
    AuditInfo require(CommandSpec spec) {
        List<String> missing = new ArrayList<>();
        if (actor == null || actor.isBlank()) {
            missing.add("--actor");
        }
        if (reason == null || reason.isBlank()) {
            missing.add("--reason");
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Every write needs --actor and --reason; missing or blank: " + String.join(", ", missing));
        }
        try {
            return new AuditInfo(actor.strip(), reason.strip());
        } catch (IllegalArgumentException e) {
            // an actor with a control character, a line separator or a bidirectional control
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--actor': " + e.getMessage());
        }
    }
}
