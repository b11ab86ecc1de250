package dev.cutover.cli.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.replication.BackfillBuilder;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Where the checkpoints of {@code backfill} and of a resumable {@code reconcile} live: {@code
 * --checkpoint-jdbc-url} and its credentials, defaulting to the new store's database, else the old
 * store's.
 */
final class CheckpointDbOptions {
    @Option(
            names = "--checkpoint-jdbc-url",
            paramLabel = "URL",
            description = "JDBC database of the checkpoints; default: env CUTOVER_CHECKPOINT_JDBC_URL, else the new"
                    + " store's database, else the old store's.")
    @Nullable
    String checkpointUrl;

    @Option(
            names = "--checkpoint-user",
            paramLabel = "USER",
            description = "Checkpoint database user; default: env CUTOVER_CHECKPOINT_USER.")
    @Nullable
    String checkpointUser;

    @Option(
            names = "--checkpoint-password",
            paramLabel = "PASSWORD",
            description = "Checkpoint database password; default: env CUTOVER_CHECKPOINT_PASSWORD.")
    @Nullable
    String checkpointPassword;

    @Option(
            names = "--owner",
            paramLabel = "NAME",
            description =
                    "Who this process is to the checkpoints (the same after a restart); default: host, pid, random.")
    @Nullable
    String owner;

    /** {@code --owner}, checked; null when not given. */
    @Nullable
    String owner() {
        if (owner != null
                && (owner.isBlank()
                        || owner.length() > BackfillBuilder.MAX_OWNER_LENGTH
                        || owner.chars().anyMatch(Character::isISOControl))) {
            throw CliException.invalid(
                    "--owner",
                    "expected 1 to " + BackfillBuilder.MAX_OWNER_LENGTH + " characters without control characters",
                    owner);
        }
        return owner;
    }

    /** Where the checkpoint database is, with its credentials, checked but not connected to. */
    record At(
            Settings.Value url,
            @Nullable String user,
            @Nullable String password) {
        /** A pool of up to {@code connections} on the checkpoint database; the caller closes it. */
        HikariDataSource pool(int connections) {
            return Jdbc.pool(url, user, password, "checkpoints", connections);
        }
    }

    /**
     * The checkpoint database.
     *
     * @throws CliException naming {@code --checkpoint-jdbc-url} when both stores are DynamoDB
     *     tables and none was given, or when no driver accepts the URL
     */
    At resolve(CommandSpec spec, ReplicationOptions.Ends ends, ReplicationOptions sides) {
        Settings.Value url = ends.settings().get("checkpoint-jdbc-url", checkpointUrl);
        String user;
        String password;
        if (url != null) {
            user = ends.settings().value("checkpoint-user", checkpointUser);
            Settings.Value p = ends.settings().get("checkpoint-password", checkpointPassword);
            Settings.warnIfOnCommandLine(spec, p);
            password = p == null ? null : p.value();
        } else {
            url = sides.defaultCheckpointUrl(spec);
            user = sides.defaultCheckpointUser(spec);
            password = sides.defaultCheckpointPassword(spec);
        }
        if (url == null) {
            throw CliException.usage(
                    "--checkpoint-jdbc-url",
                    "Both stores are DynamoDB tables: give --checkpoint-jdbc-url for the checkpoints (a database every"
                            + " process reaches, or jdbc:h2:file:./checkpoints for one machine)");
        }
        Jdbc.check(url);
        return new At(url, user, password);
    }
}
