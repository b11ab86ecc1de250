package dev.cutover.cli;

import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The two flag stores the commands run against, each fresh and with its schema in place. */
enum FlagStoreKind {
    JDBC {
        @Override
        List<String> freshStore() throws Exception {
            TestDatabase db = Stores.postgres("cli_flags");
            JdbcFlagStore.builder(db.dataSource()).build().createSchemaIfMissing();
            // the migration's journal beside the flags: a move past SHADOW reads its gaps
            dev.cutover.journal.JdbcFailedWriteJournal.builder(db.dataSource())
                    .build()
                    .createSchemaIfMissing();
            return List.of("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user());
        }
    },
    DYNAMODB {
        @Override
        List<String> freshStore() {
            String table = Stores.freshTable("cli-flags");
            try (DynamoDbClient client = Stores.dynamoDbClient()) {
                DynamoDbFlagStore.builder(client, table).build().createTableIfMissing();
            }
            List<String> options = new ArrayList<>(List.of("--dynamodb-table", table));
            options.addAll(Stores.dynamoDbOptions());
            return options;
        }
    };

    /** Options a move past SHADOW needs on this store: DynamoDB holds no journal, so the check is waived. */
    String[] pastShadow() {
        return this == DYNAMODB ? new String[] {"--no-journal-check"} : new String[0];
    }

    /** The command-line options of a new, empty store. */
    abstract List<String> freshStore() throws Exception;
}
