package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.journal.JdbcFailedWriteJournal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** {@code cutover flags init}: creates the flag store's tables (and the journal's) where they are missing. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Create the flag store's tables, and with --journal the migration journal's, where they are missing.",
            "",
            "Idempotent: tables that exist are left as they are, and a store made before heartbeats gets its heartbeat"
                    + " table. Prints each table and whether it was created. On DynamoDB, creates the table (on-demand"
                    + " billing, a stream with new and old images) and the heartbeat table TABLE-instances (time to live"
                    + " on expires_at)."
        })
public final class FlagsInitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FlagStoreOptions storeOptions = new FlagStoreOptions();

    @Option(
            names = "--journal",
            description = "Also create the failed-write journal's tables (what a stage move past SHADOW reads) in the"
                    + " same database.")
    boolean journal;

    @Option(
            names = "--journal-prefix",
            paramLabel = "PREFIX",
            description = "Table prefix of the journal; default cutover_ (env CUTOVER_JOURNAL_PREFIX).")
    @Nullable
    String journalPrefix;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        FlagStoreOptions.Location at = storeOptions.location(spec);
        Settings.Value prefix = at.settings().get("journal-prefix", journalPrefix);
        if (prefix != null
                && !JdbcFailedWriteJournal.IDENTIFIER.matcher(prefix.value()).matches()) {
            throw prefix.invalid("expected a lower-case letter, then up to 39 lower-case letters, digits or '_'");
        }
        if (journal && at.jdbcUrl() == null) {
            throw CliException.usage(
                    "--journal",
                    "--journal creates the journal in the flag store's JDBC database; the flag store is"
                            + " a DynamoDB table");
        }
        List<String[]> tables = new ArrayList<>(); // name, "created" or "exists"
        if (at.jdbcUrl() != null) {
            DataSource ds = Jdbc.open(at.jdbcUrl(), at.user(), at.password());
            JdbcFlagStore store =
                    JdbcFlagStore.builder(ds).tablePrefix(at.tablePrefix()).build();
            try {
                List<String> names = Schema.createdTables(store.schemaStatements());
                List<Boolean> existed = existing(ds, names);
                store.createSchemaIfMissing();
                add(tables, names, existed);
                if (journal) {
                    JdbcFailedWriteJournal j = JdbcFailedWriteJournal.builder(ds)
                            .tablePrefix(prefix == null ? FlagStoreOptions.DEFAULT_TABLE_PREFIX : prefix.value())
                            .build();
                    List<String> journalNames = Schema.createdTables(j.schemaStatements());
                    List<Boolean> journalExisted = existing(ds, journalNames);
                    j.createSchemaIfMissing();
                    add(tables, journalNames, journalExisted);
                }
            } catch (SQLException e) {
                throw new CliException(
                        Exit.FAILED, "cannot create the tables at " + at.describe() + ": " + Errors.describe(e));
            } finally {
                store.close();
            }
        } else {
            String table = Objects.requireNonNull(at.dynamoDbTable()).value();
            try (DynamoDbClient client = storeOptions.dynamoDb.client(spec, at.settings());
                    DynamoDbFlagStore store = DynamoDbFlagStore.builder(client, table)
                            .keyPrefix(at.keyPrefix())
                            .build()) {
                boolean existed = exists(client, table);
                boolean heartbeatsExisted = exists(client, store.heartbeatTable());
                store.createTableIfMissing(); // the flag table and the heartbeat table
                tables.add(new String[] {table, existed ? "exists" : "created"});
                tables.add(new String[] {store.heartbeatTable(), heartbeatsExisted ? "exists" : "created"});
            }
        }
        print(at, tables);
        return Exit.OK;
    }

    private static List<Boolean> existing(DataSource ds, List<String> names) throws SQLException {
        List<Boolean> existed = new ArrayList<>();
        for (String n : names) {
            existed.add(Schema.exists(ds, n));
        }
        return existed;
    }

    private static void add(List<String[]> into, List<String> names, List<Boolean> existed) {
        for (int i = 0; i < names.size(); i++) {
            into.add(new String[] {names.get(i), existed.get(i) ? "exists" : "created"});
        }
    }

    private static boolean exists(DynamoDbClient client, String table) {
        try {
            client.describeTable(b -> b.tableName(table));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private void print(FlagStoreOptions.Location at, List<String[]> tables) {
        if (output.json()) {
            ObjectNode root = Json.object().put("store", at.describe());
            ArrayNode list = root.putArray("tables");
            for (String[] t : tables) {
                list.addObject().put("table", t[0]).put("created", t[1].equals("created"));
            }
            Json.print(spec.commandLine().getOut(), root);
            return;
        }
        long created = tables.stream().filter(t -> t[1].equals("created")).count();
        spec.commandLine()
                .getOut()
                .println("flag store " + at.describe() + ": "
                        + (created == 0
                                ? "ready, nothing to create"
                                : "created " + created + " of " + tables.size() + " tables"));
        for (String[] t : tables) {
            spec.commandLine()
                    .getOut()
                    .println("  " + t[0] + ": " + (t[1].equals("created") ? "created" : "exists already"));
        }
        spec.commandLine().getOut().flush();
    }
}
