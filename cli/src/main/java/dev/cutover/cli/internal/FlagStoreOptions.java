package dev.cutover.cli.internal;

import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.WritableFlagStore;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Which flag store a command reads and writes: a JDBC database or a DynamoDB table. */
public final class FlagStoreOptions {

    /** Exactly one store. */
    static final class Which {
        @Option(
                names = "--jdbc-url",
                paramLabel = "URL",
                required = true,
                description = "JDBC URL of the flag store (PostgreSQL, MySQL/MariaDB or H2).")
        @Nullable
        String jdbcUrl;

        @Option(
                names = "--dynamodb-table",
                paramLabel = "TABLE",
                required = true,
                description = "DynamoDB table of the flag store.")
        @Nullable
        String dynamoDbTable;
    }

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Flag store (one of):%n")
    @Nullable
    Which which;

    @Option(
            names = "--jdbc-user",
            paramLabel = "USER",
            defaultValue = "${CUTOVER_JDBC_USER}",
            showDefaultValue = Visibility.NEVER,
            description = "Database user; default: env CUTOVER_JDBC_USER.")
    @Nullable
    String user;

    @Option(
            names = "--jdbc-password",
            paramLabel = "PASSWORD",
            defaultValue = "${CUTOVER_JDBC_PASSWORD}",
            showDefaultValue = Visibility.NEVER,
            description = "Database password; default: env CUTOVER_JDBC_PASSWORD (prefer it: arguments show in ps).")
    @Nullable
    String password;

    @Option(
            names = "--table-prefix",
            paramLabel = "PREFIX",
            defaultValue = "cutover_",
            description = "Prefix of the JDBC store's tables; default ${DEFAULT-VALUE}.")
    String tablePrefix = "cutover_";

    @Option(
            names = "--key-prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Key prefix inside the DynamoDB table (environments sharing one table).")
    String keyPrefix = "";

    @Mixin
    DynamoDbOptions dynamoDb = new DynamoDbOptions();

    /** The flag store's JDBC URL, or null when it is on DynamoDB. */
    @Nullable
    String jdbcUrl() {
        return which == null ? null : which.jdbcUrl;
    }

    /** Opens the store; the caller closes it. */
    OpenStore open(CommandSpec spec) {
        Which w = java.util.Objects.requireNonNull(which, "store");
        try {
            if (w.jdbcUrl != null) {
                DataSource ds = Jdbc.open(spec, "--jdbc-url", w.jdbcUrl, user, password);
                JdbcFlagStore store =
                        JdbcFlagStore.builder(ds).tablePrefix(tablePrefix).build();
                try {
                    store.headRevision();
                } catch (SQLException e) {
                    store.close();
                    throw new CliException(
                            Exit.FAILED,
                            "cannot read the flag store at " + Jdbc.redact(w.jdbcUrl) + " (tables "
                                    + tablePrefix + "flags, " + tablePrefix + "revision, " + tablePrefix
                                    + "audit; create them with the DDL"
                                    + " in the flags-jdbc jar or JdbcFlagStore.createSchemaIfMissing()): "
                                    + e.getMessage());
                }
                return new OpenStore(store, store::close);
            }
            DynamoDbClient client = dynamoDb.client(spec);
            DynamoDbFlagStore store = DynamoDbFlagStore.builder(
                            client, java.util.Objects.requireNonNull(w.dynamoDbTable))
                    .keyPrefix(keyPrefix)
                    .build();
            return new OpenStore(store, () -> {
                store.close();
                client.close();
            });
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (SQLException e) {
            throw new CliException(Exit.FAILED, "cannot open the flag store: " + e.getMessage());
        }
    }

    /** A store and what closes it. */
    record OpenStore(WritableFlagStore store, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }
}
