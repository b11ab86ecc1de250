package dev.cutover.cli.internal;

import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The read-only checks a backfill or reconciliation makes after connecting and before creating or
 * writing anything: the old table exists with its key and an integer version column, a table in
 * the versioned layout has its columns, the new table exists or {@code --create-target} is given.
 * Each failure names the option and says what to do.
 */
final class Preflight {
    /** The columns of the versioned layout every {@code JdbcVersionedTarget} table has. */
    static final List<String> VERSIONED_COLUMNS = List.of("entity_key", "bucket", "version", "deleted", "applied_at");

    private static final Set<Integer> INTEGERS =
            Set.of(Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.NUMERIC, Types.DECIMAL);

    private Preflight() {}

    static void check(ReplicationOptions o, ReplicationOptions.Ends e, ReplicationOptions.Connections c) {
        try {
            if (c.source() != null) {
                source(o, Objects.requireNonNull(e.sourceUrl()), c.source());
            }
            if (c.target() != null) {
                target(o, Objects.requireNonNull(e.targetUrl()), c.target());
            }
            if (c.dynamoDb() != null) {
                if (e.sourceDynamoDb() != null) {
                    dynamoDb(c.dynamoDb(), e.sourceDynamoDb(), "old", false);
                }
                if (e.targetDynamoDb() != null) {
                    dynamoDb(c.dynamoDb(), e.targetDynamoDb(), "new", o.createTarget);
                }
            }
        } catch (SQLException ex) {
            throw new CliException(
                    Exit.FAILED,
                    "cannot read the tables' definitions: " + Errors.describe(ex) + "; nothing was written");
        }
    }

    private static void source(ReplicationOptions o, Settings.Value url, DataSource ds) throws SQLException {
        String table = Objects.requireNonNull(o.sourceTable);
        Optional<Map<String, Schema.Column>> found = Schema.columns(ds, table);
        if (found.isEmpty()) {
            throw CliException.usage(
                    "--source-table",
                    "the old table '" + table + "' does not exist at " + Jdbc.redact(url.value())
                            + " (or this user cannot see it); check --source-table and the database; nothing was"
                            + " written");
        }
        Map<String, Schema.Column> columns = found.get();
        if (o.sourceVersioned) {
            versioned(
                    columns, table, "--source-table", "old", "; a plain table takes --source-key and --source-version");
            return;
        }
        column(columns, table, "--source-key", Objects.requireNonNull(o.sourceKey));
        Schema.Column version = column(columns, table, "--source-version", Objects.requireNonNull(o.sourceVersion));
        if (!INTEGERS.contains(version.jdbcType())) {
            throw CliException.usage(
                    "--source-version",
                    "Invalid value for option '--source-version': column '" + version.name() + "' of table '" + table
                            + "' is " + version.typeName() + ", not an integer type; the version column holds a whole"
                            + " number raised on every write; nothing was written");
        }
    }

    private static Schema.Column column(Map<String, Schema.Column> columns, String table, String option, String name) {
        Schema.Column c = columns.get(name.toLowerCase(java.util.Locale.ROOT));
        if (c == null) {
            throw CliException.usage(
                    option,
                    "Invalid value for option '" + option + "': table '" + table + "' has no column '" + name
                            + "'; its columns: " + String.join(", ", names(columns)) + "; nothing was written");
        }
        return c;
    }

    private static void target(ReplicationOptions o, Settings.Value url, DataSource ds) throws SQLException {
        String table = Objects.requireNonNull(o.targetTable);
        Optional<Map<String, Schema.Column>> found = Schema.columns(ds, table);
        if (found.isEmpty()) {
            if (!o.createTarget) {
                throw CliException.usage(
                        "--target-table",
                        "the new table '" + table + "' does not exist at " + Jdbc.redact(url.value())
                                + "; check --target-table, or add --create-target to create it; nothing was written");
            }
            return;
        }
        versioned(found.get(), table, "--target-table", "new", "");
    }

    private static void versioned(
            Map<String, Schema.Column> columns, String table, String option, String which, String hint) {
        List<String> missing = new ArrayList<>();
        for (String c : VERSIONED_COLUMNS) {
            if (!columns.containsKey(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw CliException.usage(
                    option,
                    "the " + which + " table '" + table + "' is not in the versioned layout: it has no column "
                            + String.join(", ", missing) + " (its columns: " + String.join(", ", names(columns))
                            + "); check " + option + hint + "; nothing was written");
        }
    }

    private static List<String> names(Map<String, Schema.Column> columns) {
        List<String> n = new ArrayList<>();
        columns.values().forEach(c -> n.add(c.name()));
        return n;
    }

    private static void dynamoDb(DynamoDbClient client, Settings.Value table, String which, boolean create) {
        try {
            client.describeTable(b -> b.tableName(table.value()));
        } catch (ResourceNotFoundException e) {
            if (!create) {
                throw CliException.usage(
                        table.option(),
                        "the " + which + " DynamoDB table '" + table.value() + "' (" + table.origin()
                                + ") does not exist"
                                + (which.equals("new") ? "; add --create-target to create it" : "")
                                + "; nothing was written");
            }
        } catch (SdkException e) {
            throw new CliException(
                    Exit.FAILED,
                    table.option(),
                    "cannot describe the " + which + " DynamoDB table '" + table.value() + "' (" + table.origin()
                            + "): "
                            + Errors.describe(e)
                            + "; nothing was written");
        }
    }
}
