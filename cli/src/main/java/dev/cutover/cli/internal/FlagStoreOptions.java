package dev.cutover.cli.internal;

import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.WritableFlagStore;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Which flag store a command reads and writes: a JDBC database or a DynamoDB table, from the
 * command line, a profile or the environment ({@link Settings}).
 */
public final class FlagStoreOptions {
    static final String DEFAULT_TABLE_PREFIX = "cutover_";

    /** At most one store on the command line; else from a profile or the environment. */
    static final class Which {
        @Option(
                names = "--jdbc-url",
                paramLabel = "URL",
                required = true,
                description =
                        "JDBC URL of the flag store (PostgreSQL, MySQL/MariaDB or H2); default: env CUTOVER_JDBC_URL.")
        @Nullable
        String jdbcUrl;

        @Option(
                names = "--dynamodb-table",
                paramLabel = "TABLE",
                required = true,
                description = "DynamoDB table of the flag store; default: env CUTOVER_DYNAMODB_TABLE.")
        @Nullable
        String dynamoDbTable;
    }

    @ArgGroup(
            exclusive = true,
            multiplicity = "0..1",
            heading = "Flag store (one of, or from --profile or the environment):%n")
    @Nullable
    Which which;

    @Option(names = "--jdbc-user", paramLabel = "USER", description = "Database user; default: env CUTOVER_JDBC_USER.")
    @Nullable
    String user;

    @Option(
            names = "--jdbc-password",
            paramLabel = "PASSWORD",
            description =
                    "Database password; default: env CUTOVER_JDBC_PASSWORD (prefer it or a profile: arguments show in ps).")
    @Nullable
    String password;

    @Option(
            names = "--table-prefix",
            paramLabel = "PREFIX",
            description = "Prefix of the JDBC store's tables; default cutover_ (env CUTOVER_TABLE_PREFIX).")
    @Nullable
    String tablePrefix;

    @Option(
            names = "--key-prefix",
            paramLabel = "PREFIX",
            description = "Key prefix inside the DynamoDB table (environments sharing one table); default none.")
    @Nullable
    String keyPrefix;

    @Mixin
    DynamoDbOptions dynamoDb = new DynamoDbOptions();

    @Mixin
    Settings.ProfileOption profile = new Settings.ProfileOption();

    private @Nullable Location location;

    /**
     * Where the store is, resolved and checked without connecting.
     *
     * @param jdbcUrl the JDBC URL, or null for DynamoDB
     * @param dynamoDbTable the DynamoDB table, or null for JDBC
     * @param user the database user, or null
     * @param password the database password, or null
     * @param tablePrefix the JDBC store's table prefix
     * @param keyPrefix the DynamoDB store's key prefix
     * @param settings where the values came from
     */
    record Location(
            Settings.@Nullable Value jdbcUrl,
            Settings.@Nullable Value dynamoDbTable,
            @Nullable String user,
            @Nullable String password,
            String tablePrefix,
            String keyPrefix,
            Settings settings) {
        /** Where it is, for messages, without a password. */
        String describe() {
            return jdbcUrl != null
                    ? Jdbc.redact(jdbcUrl.value()) + " (tables " + tablePrefix + "*)"
                    : "DynamoDB table " + Objects.requireNonNull(dynamoDbTable).value()
                            + (keyPrefix.isEmpty() ? "" : " (key prefix " + keyPrefix + ")");
        }
    }

    /** The store's location: exactly one of a JDBC URL and a DynamoDB table, checked; usage errors otherwise. */
    Location location(CommandSpec spec) {
        if (location != null) {
            return location;
        }
        Settings settings = Settings.of(spec, profile.name);
        Settings.Value url;
        Settings.Value table;
        if (which != null) {
            url = which.jdbcUrl == null ? null : settings.get("jdbc-url", which.jdbcUrl);
            table = which.dynamoDbTable == null ? null : settings.get("dynamodb-table", which.dynamoDbTable);
        } else {
            url = settings.get("jdbc-url", null);
            table = settings.get("dynamodb-table", null);
            if (url != null && table != null) {
                throw CliException.usage(
                        "--jdbc-url",
                        "Two flag stores: " + url.origin() + " and " + table.origin()
                                + " both name one; give --jdbc-url or --dynamodb-table on the command line");
            }
        }
        if (url == null && table == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "No flag store: give --jdbc-url URL or --dynamodb-table TABLE, or set CUTOVER_JDBC_URL or"
                            + " CUTOVER_DYNAMODB_TABLE, or use --profile NAME");
        }
        Settings.Value prefix = settings.get("table-prefix", tablePrefix);
        if (prefix != null && !JdbcFlagStore.IDENTIFIER.matcher(prefix.value()).matches()) {
            throw prefix.invalid("expected a lower-case letter, then up to 39 lower-case letters, digits or '_'");
        }
        Settings.Value password = settings.get("jdbc-password", this.password);
        Settings.warnIfOnCommandLine(spec, password);
        Settings.Value keyPrefixValue = settings.get("key-prefix", keyPrefix);
        if (url != null) {
            refuseOther(
                    url,
                    "a JDBC",
                    "--dynamodb-table",
                    "--key-prefix",
                    keyPrefix,
                    "--region",
                    dynamoDb.region,
                    "--endpoint-override",
                    dynamoDb.endpoint);
            Jdbc.check(url);
        } else {
            refuseOther(
                    Objects.requireNonNull(table),
                    "a DynamoDB",
                    "--jdbc-url",
                    "--jdbc-user",
                    user,
                    "--jdbc-password",
                    this.password,
                    "--table-prefix",
                    tablePrefix);
            dynamoDb.check(settings);
            // checked here, naming the option, before a client is built or a request is sent
            if (!ReplicationOptions.DYNAMODB_TABLE
                    .matcher(Objects.requireNonNull(table).value())
                    .matches()) {
                throw table.invalid("expected 3 to 255 letters, digits, '_', '-' or '.'");
            }
            if (keyPrefixValue != null
                    && !DynamoDbFlagStore.PREFIX.matcher(keyPrefixValue.value()).matches()) {
                throw keyPrefixValue.invalid("expected up to 64 letters, digits, '_', '.', '/' or '-'");
            }
        }
        location = new Location(
                url,
                table,
                settings.value("jdbc-user", user),
                password == null ? null : password.value(),
                prefix == null ? DEFAULT_TABLE_PREFIX : prefix.value(),
                keyPrefixValue == null ? "" : keyPrefixValue.value(),
                settings);
        return location;
    }

    /**
     * Refuses an option typed for the other kind of flag store, which would otherwise be ignored:
     * {@code pairs} alternate an option's name and its value from the command line.
     */
    private static void refuseOther(Settings.Value store, String kind, String storeOption, @Nullable Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                throw CliException.usage(
                        (String) Objects.requireNonNull(pairs[i]),
                        pairs[i] + " applies only to a flag store given by " + storeOption + ", and this one is " + kind
                                + " store (" + store.origin() + "); remove " + pairs[i]);
            }
        }
    }

    /** The flag store's JDBC URL setting, or null when it is on DynamoDB. */
    Settings.@Nullable Value jdbcUrl(CommandSpec spec) {
        return location(spec).jdbcUrl();
    }

    /** Opens the store and reads its head, so a missing schema fails here; the caller closes it. */
    OpenStore open(CommandSpec spec) {
        OpenStore open = openUnchecked(spec);
        if (open.store() instanceof JdbcFlagStore store) {
            Location at = location(spec);
            try {
                store.headRevision();
            } catch (SQLException e) {
                open.close();
                if (!revisionTableExists(at)) {
                    throw new CliException(
                            Exit.FAILED,
                            "the flag store at " + at.describe() + " has no flag tables yet (" + at.tablePrefix()
                                    + "revision is missing); create them with 'cutover flags init' (same"
                                    + " connection options)");
                }
                throw new CliException(
                        Exit.FAILED, "cannot read the flag store at " + at.describe() + ": " + Errors.describe(e));
            }
        }
        return open;
    }

    /** Whether the head table is there; true when even that cannot be told, so the read's own error is shown. */
    private static boolean revisionTableExists(Location at) {
        try {
            return Schema.exists(
                    Jdbc.open(Objects.requireNonNull(at.jdbcUrl()), at.user(), at.password()),
                    at.tablePrefix() + "revision");
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }

    /** Opens the store without reading it (for {@code flags init}); the caller closes it. */
    OpenStore openUnchecked(CommandSpec spec) {
        Location at = location(spec);
        try {
            if (at.jdbcUrl() != null) {
                DataSource ds = Jdbc.open(at.jdbcUrl(), at.user(), at.password());
                JdbcFlagStore store =
                        JdbcFlagStore.builder(ds).tablePrefix(at.tablePrefix()).build();
                return new OpenStore(store, store::close);
            }
            DynamoDbClient client = dynamoDb.client(spec, at.settings());
            DynamoDbFlagStore store;
            try {
                store = DynamoDbFlagStore.builder(
                                client,
                                Objects.requireNonNull(at.dynamoDbTable()).value())
                        .keyPrefix(at.keyPrefix())
                        .build();
            } catch (IllegalArgumentException e) {
                client.close();
                throw CliException.usage(
                        "--dynamodb-table", "Invalid DynamoDB flag store (" + at.describe() + "): " + e.getMessage());
            }
            return new OpenStore(store, () -> {
                store.close();
                client.close();
            });
        } catch (SQLException e) {
            throw new CliException(
                    Exit.FAILED, "cannot open the flag store at " + at.describe() + ": " + Errors.describe(e));
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
