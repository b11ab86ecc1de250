package dev.cutover.cli.internal;

import dev.cutover.flags.spi.AuditInfo;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Who makes a write and why: required by every write command, recorded in the audit history. An
 * actor is one line of plain text of at most {@value #MAX_ACTOR} characters ({@link AuditInfo}); a
 * reason may span lines, at most {@value #MAX_REASON} characters, and is shown escaped on one line
 * by {@code flags history}.
 */
public final class AuditOptions {
    /** The longest actor every store keeps. */
    static final int MAX_ACTOR = 200;
    /** The longest reason every store keeps. */
    static final int MAX_REASON = 2000;

    @Option(
            names = "--actor",
            paramLabel = "WHO",
            required = true,
            description = "Who makes the change: one line, at most 200 characters.")
    @Nullable
    String actor;

    @Option(
            names = "--reason",
            paramLabel = "WHY",
            required = true,
            description = "Why, for whoever reads the history: at most 2000 characters.")
    @Nullable
    String reason;

    /** The audit info, or a usage error naming the option and what is wrong. */
    AuditInfo require(CommandSpec spec) {
        return audit(spec, actor, reason);
    }

    /** For a command whose audit is needed only by some of its uses (a stage move): the options, optional. */
    static final class ForMoves {
        @Option(
                names = "--actor",
                paramLabel = "WHO",
                description = "Who makes the change (required for a move): one line, at most 200 characters.")
        @Nullable
        String actor;

        @Option(
                names = "--reason",
                paramLabel = "WHY",
                description = "Why, for whoever reads the history (required for a move): at most 2000 characters.")
        @Nullable
        String reason;

        AuditInfo require(CommandSpec spec) {
            return audit(spec, actor, reason);
        }
    }

    static AuditInfo audit(CommandSpec spec, @Nullable String actor, @Nullable String reason) {
        List<String> missing = new ArrayList<>();
        if (actor == null || actor.isBlank()) {
            missing.add("--actor");
        }
        if (reason == null || reason.isBlank()) {
            missing.add("--reason");
        }
        if (!missing.isEmpty()) {
            throw CliException.usage(
                    missing.get(0),
                    "Every write needs --actor and --reason; missing or blank: " + String.join(", ", missing));
        }
        String who = actor.strip();
        String why = reason.strip();
        if (who.length() > MAX_ACTOR) {
            throw CliException.invalid("--actor", "expected at most " + MAX_ACTOR + " characters", who);
        }
        if (why.length() > MAX_REASON) {
            throw CliException.invalid("--reason", "expected at most " + MAX_REASON + " characters", why);
        }
        try {
            return new AuditInfo(who, why);
        } catch (IllegalArgumentException e) {
            // an actor with a control character, a line separator or a bidirectional control
            throw CliException.usage("--actor", "Invalid value for option '--actor': " + e.getMessage());
        }
    }
}
