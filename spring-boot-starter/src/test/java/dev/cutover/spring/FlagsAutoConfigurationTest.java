package dev.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.store.JsonFileFlagStore;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.JdbcFailedWriteJournal;
import dev.cutover.spring.internal.CutoverAutoConfiguration;
import dev.cutover.testsupport.H2Databases;
import dev.cutover.testsupport.LocalDynamoDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Every {@code cutover.flags.store} branch and the journal, each against a real store. */
class FlagsAutoConfigurationTest {
    private static final AuditInfo AUDIT = new AuditInfo("test", "flags auto-configuration test");

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CutoverAutoConfiguration.class));

    @TempDir
    Path dir;

    @Test
    void withoutAStoreNothingIsConfigured() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(FlagClient.class);
            assertThat(context).doesNotHaveBean(FlagStore.class);
        });
    }

    @Test
    void jsonFileStoreServesTheFileAndIsClosedWithTheContext() throws Exception {
        Path file = dir.resolve("flags.json");
        Files.writeString(
                file, "{\"flags\": [" + Flag.booleanFlag("checkout.new", true).toJson() + "]}");
        AtomicReference<FlagClient> seen = new AtomicReference<>();
        runner.withPropertyValues("cutover.flags.store=json-file", "cutover.flags.file=" + file)
                .run(context -> {
                    assertThat(context).hasSingleBean(FlagClient.class);
                    assertThat(context.getBean(FlagStore.class)).isInstanceOf(JsonFileFlagStore.class);
                    FlagClient flags = context.getBean(FlagClient.class);
                    assertThat(flags.status().state()).isEqualTo(ClientStatus.State.READY);
                    assertThat(flags.booleanValue("checkout.new", false)).isTrue();
                    seen.set(flags);
                });
        assertThat(seen.get().status().state()).isEqualTo(ClientStatus.State.CLOSED);
    }

    @Test
    void jdbcStoreUsesTheApplicationsDataSourceAndCreatesItsTables() {
        DataSource h2 = H2Databases.inMemory("flags_default");
        runner.withBean(DataSource.class, () -> h2)
                .withPropertyValues(
                        "cutover.flags.store=jdbc",
                        "cutover.flags.jdbc.create-tables=true",
                        "cutover.flags.jdbc.table-prefix=app_",
                        "cutover.flags.poll-interval=1s",
                        "cutover.flags.max-staleness=1m",
                        "cutover.flags.staleness-policy=serve-defaults",
                        "cutover.flags.backup-file=" + dir.resolve("backup.json"))
                .run(context -> {
                    JdbcFlagStore store = (JdbcFlagStore) context.getBean(FlagStore.class);
                    assertThat(store.tablePrefix()).isEqualTo("app_");
                    store.put(Flag.booleanFlag("checkout.new", true), 0, AUDIT);
                    FlagClient flags = context.getBean(FlagClient.class);
                    assertThat(flags.refreshNow()).isTrue();
                    assertThat(flags.booleanValue("checkout.new", false)).isTrue();
                    assertThat(flags.status().source()).isEqualTo(ClientStatus.Source.STORE);
                });
        assertThat(Files.exists(dir.resolve("backup.json"))).isTrue();
    }

    @Test
    void jdbcStoreTakesTheNamedDataSourceAmongSeveral() {
        DataSource first = H2Databases.inMemory("flags_first");
        DataSource second = H2Databases.inMemory("flags_second");
        runner.withBean("first", DataSource.class, () -> first)
                .withBean("second", DataSource.class, () -> second)
                .withPropertyValues(
                        "cutover.flags.store=jdbc",
                        "cutover.flags.jdbc.data-source=second",
                        "cutover.flags.jdbc.create-tables=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    JdbcFlagStore onSecond = JdbcFlagStore.builder(second).build();
                    onSecond.put(Flag.booleanFlag("on.second", true), 0, AUDIT);
                    FlagClient flags = context.getBean(FlagClient.class);
                    flags.refreshNow();
                    assertThat(flags.booleanValue("on.second", false)).isTrue();
                });
    }

    @Test
    void dynamoDbStoreUsesTheApplicationsClient() {
        String table = LocalDynamoDb.freshTable("flags");
        runner.withBean(DynamoDbClient.class, LocalDynamoDb::client)
                .withPropertyValues(
                        "cutover.flags.store=dynamodb",
                        "cutover.flags.dynamodb.table=" + table,
                        "cutover.flags.dynamodb.key-prefix=app/",
                        "cutover.flags.dynamodb.create-table=true")
                .run(context -> {
                    DynamoDbFlagStore store = (DynamoDbFlagStore) context.getBean(FlagStore.class);
                    assertThat(store.table()).isEqualTo(table);
                    assertThat(store.keyPrefix()).isEqualTo("app/");
                    store.put(Flag.booleanFlag("checkout.new", true), 0, AUDIT);
                    FlagClient flags = context.getBean(FlagClient.class);
                    assertThat(flags.refreshNow()).isTrue();
                    assertThat(flags.booleanValue("checkout.new", false)).isTrue();
                });
    }

    @Test
    void theApplicationsOwnFlagClientWins() throws Exception {
        Path file = dir.resolve("own.json");
        Files.writeString(file, "{\"flags\": []}");
        FlagClient own = FlagClient.builder(JsonFileFlagStore.of(file)).build();
        runner.withBean(FlagClient.class, () -> own)
                .withPropertyValues("cutover.flags.store=json-file", "cutover.flags.file=" + file)
                .run(context -> assertThat(context.getBean(FlagClient.class)).isSameAs(own));
        own.close();
    }

    @Test
    void journalOnTheApplicationsDataSource() {
        DataSource h2 = H2Databases.inMemory("journal_default");
        runner.withBean(DataSource.class, () -> h2)
                .withPropertyValues(
                        "cutover.journal.enabled=true",
                        "cutover.journal.create-tables=true",
                        "cutover.journal.table-prefix=j_")
                .run(context -> {
                    JdbcFailedWriteJournal journal = (JdbcFailedWriteJournal) context.getBean(FailedWriteJournal.class);
                    assertThat(journal.tablePrefix()).isEqualTo("j_");
                    assertThat(journal.pendingCount()).isZero();
                });
    }
}
