package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import dev.cutover.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Backfill and reconcile with DynamoDB Local over HTTP on either side. */
class BackfillAndReconcileDynamoDbTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMissingTableIsNamedByItsOptionAndNothingIsCreated() {
        String old = Stores.freshTable("missing-old");
        String neu = Stores.freshTable("missing-new");
        List<String> sides = new ArrayList<>(List.of(
                "--source-dynamodb-table",
                old,
                "--source-key",
                "id",
                "--source-version",
                "version",
                "--target-dynamodb-table",
                neu,
                "--checkpoint-jdbc-url",
                "jdbc:h2:mem:cli_dyn_missing;DB_CLOSE_DELAY=-1"));
        sides.addAll(Stores.dynamoDbOptions());
        Result missing = Cli.run(sides, "backfill", "--backfill-id", "dyn_missing", "--create-target");
        assertThat(missing.code()).as("%s", missing).isEqualTo(2);
        assertThat(missing.err())
                .contains("the old DynamoDB table '" + old + "' (option '--source-dynamodb-table') does not exist");
        try (DynamoDbClient client = Stores.dynamoDbClient()) {
            assertThat(client.listTables().tableNames())
                    .as("--create-target created nothing")
                    .doesNotContain(neu, old);
        }
    }

    @Test
    void dynamoDbToDynamoDbWithCheckpointsInH2() throws Exception {
        String old = Stores.freshTable("old-orders");
        String neu = Stores.freshTable("new-orders");
        try (DynamoDbClient client = Stores.dynamoDbClient()) {
            OldTables.dynamoDb(client, old, 120);
        }
        List<String> sides = new ArrayList<>(List.of(
                "--source-dynamodb-table",
                old,
                "--source-key",
                "id",
                "--source-version",
                "version",
                "--target-dynamodb-table",
                neu));
        sides.addAll(Stores.dynamoDbOptions());

        Result noCheckpoints = Cli.run(sides, "backfill", "--backfill-id", "dyn", "--create-target");
        assertThat(noCheckpoints.code()).as("%s", noCheckpoints).isEqualTo(2);
        assertThat(noCheckpoints.err()).contains("Both stores are DynamoDB tables: give --checkpoint-jdbc-url");

        String checkpoints = "jdbc:h2:mem:cli_dyn_checkpoints;DB_CLOSE_DELAY=-1";
        Result copied = Cli.run(
                sides,
                "backfill",
                "--backfill-id",
                "dyn",
                "--create-target",
                "--checkpoint-jdbc-url",
                checkpoints,
                "--batch-size",
                "25",
                "--progress",
                "bar",
                "--progress-interval",
                "0",
                "-o",
                "json");
        assertThat(copied.code()).as("%s", copied).isZero();
        JsonNode json = JSON.readTree(copied.out());
        assertThat(json.at("/counts/applied").asLong()).isEqualTo(120);
        assertThat(json.get("source").asText()).isEqualTo("dynamodb-scan:" + old);
        assertThat(copied.err())
                .as("a bar redrawn in place")
                .contains("\r[")
                .contains("] 100% 120/120 rows")
                .endsWith("\n");

        assertThat(Cli.run(sides, "reconcile", "--recheck-after", "0").out()).contains("reconciliation clean");
        try (DynamoDbClient client = Stores.dynamoDbClient()) {
            OldTables.put(client, old, OldTables.key(7), 2, "renamed");
            client.deleteItem(b -> b.tableName(old).key(Map.of("id", AttributeValue.fromS(OldTables.key(8)))));
        }
        Result drift = Cli.run(sides, "reconcile", "--recheck-after", "0");
        assertThat(drift.code()).as("%s", drift).isEqualTo(6);
        assertThat(drift.out()).contains("missing in new: 0, extra in new: 1, different: 1");
        Result repaired = Cli.run(sides, "reconcile", "--recheck-after", "0", "--repair", "--direction", "old-to-new");
        assertThat(repaired.code()).as("%s", repaired).isZero();
        assertThat(repaired.out())
                .contains("repair old-to-new: 2 keys, 1 upserted, 1 deleted")
                .contains("after repair: reconciliation clean");
    }

    @Test
    void postgresToDynamoDbKeepsCheckpointsInTheOldDatabase() throws Exception {
        TestDatabase db = Stores.postgres("cli_pg_to_dyn");
        OldTables.jdbc(db, "old_orders", 200);
        String neu = Stores.freshTable("new-orders");
        List<String> sides = new ArrayList<>(List.of(
                "--source-jdbc-url",
                db.jdbcUrl(),
                "--source-user",
                db.user(),
                "--source-table",
                "old_orders",
                "--source-key",
                "id",
                "--source-version",
                "version",
                "--target-dynamodb-table",
                neu));
        sides.addAll(Stores.dynamoDbOptions());
        Result copied = Cli.run(
                sides,
                "backfill",
                "--backfill-id",
                "to_dynamo",
                "--create-target",
                "--workers",
                "2",
                "--progress",
                "none");
        assertThat(copied.code()).as("%s", copied).isZero();
        assertThat(copied.out()).contains("read 200, applied 200");
        OldTables.sql(db, "SELECT COUNT(*) FROM cutover_backfill_to_dynamo");
        Result clean = Cli.run(sides, "reconcile", "--recheck-after", "0", "-o", "json");
        assertThat(clean.code()).as("%s", clean).isZero();
        assertThat(JSON.readTree(clean.out()).at("/report/counts/newRows").asLong())
                .isEqualTo(200);
    }
}
