package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cli.Cli.Result;
import org.junit.jupiter.api.Test;

/** Errors in choosing the store: named, with the choices, exit code 2; and an unreachable store is 1. */
class StoreOptionsTest {

    @Test
    void exactlyOneStoreIsNeeded() {
        Result none = Cli.run("flags", "list");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err())
                .contains("No flag store: give --jdbc-url URL or --dynamodb-table TABLE")
                .contains("--jdbc-url")
                .contains("--dynamodb-table");
        Result both = Cli.run("flags", "list", "--jdbc-url", "jdbc:h2:mem:x", "--dynamodb-table", "t");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void aUrlNoDriverTakesIsNamed() {
        Result r = Cli.run("flags", "list", "--jdbc-url", "jdbc:oracle:thin:@db:1521/x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("'jdbc:oracle:thin:@db:1521/x' is not a JDBC URL of a supported database")
                .contains("jdbc:postgresql://");
    }

    @Test
    void anUnreachableDatabaseFailsWithExitCodeOne() {
        Result r = Cli.run(
                "flags",
                "list",
                "--jdbc-url",
                "jdbc:postgresql://localhost:" + Stores.freePort() + "/x?password=secret");
        assertThat(r.code()).as("%s", r).isEqualTo(1);
        assertThat(r.err())
                .contains("(option '--jdbc-url')")
                .contains("cannot connect to")
                .contains("password=***")
                .doesNotContain("secret");
    }

    @Test
    void anOptionOfTheOtherKindOfStoreIsRefusedNotIgnored() {
        Result jdbc = Cli.run("flags", "list", "--jdbc-url", "jdbc:h2:mem:cli_other", "--region", "eu-west-1");
        assertThat(jdbc.code()).as("%s", jdbc).isEqualTo(2);
        assertThat(jdbc.err())
                .contains("--region applies only to a flag store given by --dynamodb-table")
                .contains("remove --region");
        Result dynamo = Cli.run("flags", "list", "--dynamodb-table", "flags", "--table-prefix", "x_");
        assertThat(dynamo.code()).as("%s", dynamo).isEqualTo(2);
        assertThat(dynamo.err()).contains("--table-prefix applies only to a flag store given by --jdbc-url");
    }

    @Test
    void aDatabaseWithoutTheFlagTablesIsNamed() {
        Result r = Cli.run("flags", "list", "--jdbc-url", "jdbc:h2:mem:cli_empty");
        assertThat(r.code()).as("%s", r).isEqualTo(1);
        assertThat(r.err())
                .contains("the flag store at jdbc:h2:mem:cli_empty (tables cutover_*) has no flag tables yet")
                .contains("cutover_revision")
                .contains("cutover flags init");
    }

    @Test
    void badDynamoDbEndpointAndRegionAreNamed() {
        Result endpoint = Cli.run(
                "flags",
                "list",
                "--dynamodb-table",
                "t",
                "--region",
                "us-east-1",
                "--endpoint-override",
                "localhost:8000");
        assertThat(endpoint.code()).isEqualTo(2);
        assertThat(endpoint.err()).contains("'--endpoint-override'").contains("but was 'localhost:8000'");
        Result region = Cli.run("flags", "list", "--dynamodb-table", "t", "--region", "EU West");
        assertThat(region.code()).isEqualTo(2);
        assertThat(region.err()).contains("but was 'EU West'");
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] command : new String[][] {
            {},
            {"flags"},
            {"flags", "list"},
            {"flags", "get"},
            {"flags", "set"},
            {"flags", "history"},
            {"flags", "rollback"},
            {"stage"},
            {"backfill"},
            {"reconcile"}
        }) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Result r = Cli.run(args);
            assertThat(r.code()).as("%s: %s", String.join(" ", args), r).isZero();
            assertThat(r.out())
                    .as(String.join(" ", args))
                    .startsWith("Usage: cutover")
                    .contains("-h, --help");
        }
        assertThat(Cli.run("--help").out()).contains("Exit codes:").contains("3  write conflict");
        assertThat(Cli.run("--version").out()).startsWith("cutover 0.1.0");
    }
}
