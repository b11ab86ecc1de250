package dev.cutover.cli;

import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.testsupport.TestDatabase;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * A realistic operator session against an embedded PostgreSQL, printed as a transcript: each command
 * as typed, then its real output and exit code. Not a test: run its {@code main} from the test
 * classpath to regenerate the README's session.
 */
public final class DemoSession {
    private DemoSession() {}

    public static void main(String[] args) throws Exception {
        TestDatabase db = Stores.postgres("demo");
        JdbcFlagStore.builder(db.dataSource()).build().createSchemaIfMissing();
        OldTables.jdbc(db, "orders", 20_000);
        Path dir = Files.createTempDirectory("cutover-demo");
        String url = "jdbc:postgresql://localhost:5432/app";
        String real = db.jdbcUrl();
        List<String[]> session = List.of(
                new String[] {
                    "flags", "set", "orders.new-checkout", "--on", "--actor", "alice", "--reason", "OPS-101 create"
                },
                new String[] {
                    "flags",
                    "set",
                    "orders.new-checkout",
                    "--rollout",
                    "10",
                    "--actor",
                    "alice",
                    "--reason",
                    "OPS-102 10% canary"
                },
                new String[] {
                    "flags",
                    "set",
                    "orders.new-checkout",
                    "--rollout",
                    "50",
                    "--expect-version",
                    "1",
                    "--actor",
                    "bob",
                    "--reason",
                    "OPS-103 half"
                },
                new String[] {"flags", "list"},
                new String[] {"flags", "history", "orders.new-checkout"},
                new String[] {
                    "flags",
                    "rollback",
                    "orders.new-checkout",
                    "--to-version",
                    "1",
                    "--actor",
                    "bob",
                    "--reason",
                    "INC-7 errors in the canary"
                },
                new String[] {"flags", "get", "orders.new-checkout", "--output", "json"},
                new String[] {
                    "stage", "orders.migration", "--next", "--actor", "alice", "--reason", "OPS-110 start dual writes"
                },
                new String[] {"stage", "orders.migration", "--to", "LIVE", "--actor", "alice", "--reason", "in a hurry"
                },
                new String[] {
                    "stage", "orders.migration", "--next", "--actor", "alice", "--reason", "OPS-111 shadow reads"
                },
                new String[] {
                    "backfill",
                    "--backfill-id",
                    "orders_v2",
                    "--source-jdbc-url",
                    url,
                    "--source-table",
                    "orders",
                    "--source-key",
                    "id",
                    "--source-version",
                    "version",
                    "--target-jdbc-url",
                    url,
                    "--target-table",
                    "orders_v2",
                    "--create-target",
                    "--workers",
                    "2",
                    "--report",
                    "backfill.json"
                },
                new String[] {
                    "reconcile",
                    "--source-jdbc-url",
                    url,
                    "--source-table",
                    "orders",
                    "--source-key",
                    "id",
                    "--source-version",
                    "version",
                    "--target-jdbc-url",
                    url,
                    "--target-table",
                    "orders_v2",
                    "--report",
                    "reconciliation.json"
                },
                new String[] {
                    "reconcile",
                    "--source-jdbc-url",
                    url,
                    "--source-table",
                    "orders",
                    "--source-key",
                    "id",
                    "--source-version",
                    "version",
                    "--target-jdbc-url",
                    url,
                    "--target-table",
                    "orders_v2",
                    "--repair",
                    "--direction",
                    "old-to-new"
                },
                new String[] {
                    "flags", "set", "orders.new-checkout", "--rollout", "150", "--actor", "bob", "--reason", "typo"
                });
        PrintWriter out = new PrintWriter(System.out, true);
        int step = 0;
        for (String[] shown : session) {
            step++;
            if (step == 12) {
                OldTables.sql(
                        db,
                        "UPDATE orders SET version = 2, name = 'renamed' WHERE id = 'k0042'",
                        "DELETE FROM orders WHERE id = 'k0043'");
                out.println("$ # meanwhile a write reached only the old store, and a delete was lost");
            }
            List<String> actual = new ArrayList<>();
            for (String a : shown) {
                String v = a.equals(url)
                        ? real
                        : a.endsWith(".json") ? dir.resolve(a).toString() : a;
                actual.add(v);
            }
            if (shown[0].equals("flags") || shown[0].equals("stage")) {
                actual.addAll(List.of("--jdbc-url", real));
            }
            if (shown[0].equals("backfill") || shown[0].equals("reconcile")) {
                actual.addAll(List.of("--source-user", db.user(), "--target-user", db.user()));
            } else {
                actual.addAll(List.of("--jdbc-user", db.user()));
            }
            StringBuilder typed = new StringBuilder("$ cutover");
            for (String a : shown) {
                typed.append(' ').append(a.contains(" ") ? "\"" + a + "\"" : a);
            }
            if (shown[0].equals("flags") || shown[0].equals("stage")) {
                typed.append(" --jdbc-url ").append(url);
            }
            out.println(typed);
            CommandLine cmd = Main.commandLine();
            cmd.setOut(out);
            cmd.setErr(out);
            int code = cmd.execute(actual.toArray(String[]::new));
            out.println("[exit " + code + "]");
            out.println();
        }
        System.exit(0);
    }
}
