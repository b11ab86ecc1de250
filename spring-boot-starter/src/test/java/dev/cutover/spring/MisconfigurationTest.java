package dev.cutover.spring;

import static dev.cutover.spring.Failures.namesPropertyAndValue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.spring.fixtures.MapOrders;
import dev.cutover.spring.fixtures.MapStores;
import dev.cutover.spring.fixtures.Order;
import dev.cutover.spring.fixtures.OrderRepository;
import dev.cutover.spring.internal.CutoverAutoConfiguration;
import dev.cutover.testsupport.H2Databases;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Every misconfiguration stops the context, and the failure analysis names the property and its value. */
class MisconfigurationTest {
    private static final String REPO = OrdersMigration.REPO;

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CutoverAutoConfiguration.class));

    @TempDir
    Path dir;

    private ApplicationContextRunner jsonFlags() throws Exception {
        Path file = dir.resolve("flags.json");
        Files.writeString(file, "{\"flags\": []}");
        return runner.withPropertyValues("cutover.flags.store=json-file", "cutover.flags.file=" + file);
    }

    @Configuration(proxyBeanMethods = false)
    @Import(MapStores.class)
    static class TwoStores {
        @Bean
        String notARepository() {
            return "text";
        }
    }

    private ApplicationContextRunner repository(String... overrides) throws Exception {
        return jsonFlags()
                .withUserConfiguration(TwoStores.class)
                .withPropertyValues(OrdersMigration.properties("oldOrders", "newOrders"))
                .withPropertyValues(overrides);
    }

    @Test
    void unknownStoreKind() {
        runner.withPropertyValues("cutover.flags.store=mongo")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.store", "mongo"));
    }

    @Test
    void jsonFileWithoutAFile() {
        runner.withPropertyValues("cutover.flags.store=json-file")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.file", null));
    }

    @Test
    void jdbcWithoutADataSource() {
        runner.withPropertyValues("cutover.flags.store=jdbc")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.jdbc.data-source", null));
    }

    @Test
    void jdbcWithAnUnknownDataSourceName() {
        runner.withBean("main", DataSource.class, () -> H2Databases.inMemory("misconfig"))
                .withPropertyValues("cutover.flags.store=jdbc", "cutover.flags.jdbc.data-source=replica")
                .run(c -> {
                    namesPropertyAndValue(c, "cutover.flags.jdbc.data-source", "replica");
                    assertThat(Failures.analysis(c).getDescription()).contains("[main]");
                });
    }

    @Test
    void jdbcWithABeanThatIsNoDataSource() {
        runner.withBean("main", DataSource.class, () -> H2Databases.inMemory("misconfig"))
                .withBean("text", String.class, () -> "not a data source")
                .withPropertyValues("cutover.flags.store=jdbc", "cutover.flags.jdbc.data-source=text")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.jdbc.data-source", "text"));
    }

    @Test
    void jdbcWithABadTablePrefix() {
        runner.withBean(DataSource.class, () -> H2Databases.inMemory("misconfig"))
                .withPropertyValues("cutover.flags.store=jdbc", "cutover.flags.jdbc.table-prefix=Flags; DROP")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.jdbc.table-prefix", "Flags; DROP"));
    }

    @Test
    void dynamoDbWithoutAClient() {
        runner.withPropertyValues("cutover.flags.store=dynamodb")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.dynamodb.client", null));
    }

    @Test
    void dynamoDbWithABadTableName() {
        runner.withBean(DynamoDbClient.class, dev.cutover.testsupport.LocalDynamoDb::client)
                .withPropertyValues("cutover.flags.store=dynamodb", "cutover.flags.dynamodb.table=a")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.dynamodb.table", "a"));
    }

    @Test
    void pollJitterOutOfRange() throws Exception {
        jsonFlags()
                .withPropertyValues("cutover.flags.poll-jitter=1.5")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.poll-jitter", "1.5"));
    }

    @Test
    void negativePollInterval() throws Exception {
        jsonFlags()
                .withPropertyValues("cutover.flags.poll-interval=-5s")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.poll-interval", "-5s"));
    }

    @Test
    void negativeStartupTimeout() throws Exception {
        jsonFlags()
                .withPropertyValues("cutover.flags.startup-timeout=-1ms")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.startup-timeout", "-1ms"));
    }

    @Test
    void zeroStoreTimeout() throws Exception {
        jsonFlags()
                .withPropertyValues("cutover.flags.store-timeout=0s")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.store-timeout", "0s"));
    }

    @Test
    void unknownStalenessPolicy() throws Exception {
        jsonFlags()
                .withPropertyValues("cutover.flags.staleness-policy=panic", "cutover.flags.max-staleness=1m")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.staleness-policy", "panic"));
    }

    @Test
    void serveDefaultsWithoutMaxStaleness() throws Exception {
        jsonFlags()
                .withPropertyValues("cutover.flags.staleness-policy=serve-defaults")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.max-staleness", null));
    }

    @Test
    void zeroMaxStaleness() throws Exception {
        jsonFlags()
                .withPropertyValues("cutover.flags.max-staleness=0s")
                .run(c -> namesPropertyAndValue(c, "cutover.flags.max-staleness", "0s"));
    }

    @Test
    void blankBackupFile() throws Exception {
        jsonFlags()
                .withPropertyValues("cutover.flags.backup-file= ")
                .run(c ->
                        assertThat(Failures.analysis(c).getDescription()).startsWith("cutover.flags.backup-file is '"));
    }

    @Test
    void journalWithABadTablePrefix() {
        runner.withBean(DataSource.class, () -> H2Databases.inMemory("misconfig"))
                .withPropertyValues("cutover.journal.enabled=true", "cutover.journal.table-prefix=9lives")
                .run(c -> namesPropertyAndValue(c, "cutover.journal.table-prefix", "9lives"));
    }

    @Test
    void journalWithoutADataSource() {
        runner.withPropertyValues("cutover.journal.enabled=true")
                .run(c -> namesPropertyAndValue(c, "cutover.journal.data-source", null));
    }

    @Test
    void repositoryInterfaceNotOnTheClassPath() throws Exception {
        repository(REPO + "interface=com.acme.NoSuchRepository")
                .run(c -> namesPropertyAndValue(c, REPO + "interface", "com.acme.NoSuchRepository"));
    }

    @Test
    void repositoryInterfaceThatIsAClass() throws Exception {
        repository(REPO + "interface=" + MapOrders.class.getName())
                .run(c -> namesPropertyAndValue(c, REPO + "interface", MapOrders.class.getName()));
    }

    @Test
    void repositoryWithoutInterface() throws Exception {
        jsonFlags()
                .withUserConfiguration(TwoStores.class)
                .withPropertyValues(REPO + "old-bean=oldOrders", REPO + "new-bean=newOrders", REPO + "stage-flag=f")
                .run(c -> namesPropertyAndValue(c, REPO + "interface", null));
    }

    @Test
    void unknownOldBean() throws Exception {
        repository(REPO + "old-bean=legacyOrders").run(c -> {
            namesPropertyAndValue(c, REPO + "old-bean", "legacyOrders");
            assertThat(Failures.analysis(c).getDescription()).contains("oldOrders", "newOrders");
        });
    }

    @Test
    void newBeanThatDoesNotImplementTheInterface() throws Exception {
        repository(REPO + "new-bean=notARepository")
                .run(c -> namesPropertyAndValue(c, REPO + "new-bean", "notARepository"));
    }

    @Test
    void sameBeanTwice() throws Exception {
        repository(REPO + "new-bean=oldOrders").run(c -> namesPropertyAndValue(c, REPO + "new-bean", "oldOrders"));
    }

    @Test
    void missingStageFlag() throws Exception {
        jsonFlags()
                .withUserConfiguration(TwoStores.class)
                .withPropertyValues(
                        REPO + "interface=" + OrderRepository.class.getName(),
                        REPO + "old-bean=oldOrders",
                        REPO + "new-bean=newOrders")
                .run(c -> namesPropertyAndValue(c, REPO + "stage-flag", null));
    }

    @Test
    void malformedStageFlagKey() throws Exception {
        repository(REPO + "stage-flag=orders migration")
                .run(c -> namesPropertyAndValue(c, REPO + "stage-flag", "orders migration"));
    }

    @Test
    void unknownDefaultStage() throws Exception {
        repository(REPO + "default-stage=HALFWAY")
                .run(c -> namesPropertyAndValue(c, REPO + "default-stage", "HALFWAY"));
    }

    @Test
    void unknownJournalBean() throws Exception {
        repository(REPO + "journal=auditJournal").run(c -> namesPropertyAndValue(c, REPO + "journal", "auditJournal"));
    }

    @Test
    void entityKeyThatNoEntityHas() throws Exception {
        repository(REPO + "entity-key=orderNumber")
                .run(c -> namesPropertyAndValue(c, REPO + "entity-key", "orderNumber"));
    }

    @Test
    void repositoryWithoutAFlagClient() {
        runner.withUserConfiguration(TwoStores.class)
                .withPropertyValues(OrdersMigration.properties("oldOrders", "newOrders"))
                .run(c -> namesPropertyAndValue(c, REPO + "stage-flag", "orders.migration"));
    }

    @Configuration(proxyBeanMethods = false)
    @MigratedRepository(repository = OrderRepository.class, oldBean = "oldOrders", newBean = "missing", stageFlag = "f")
    static class AnnotatedWithUnknownBean {}

    @Test
    void annotationWithAnUnknownBeanNamesTheAttributeAndTheClass() throws Exception {
        jsonFlags()
                .withUserConfiguration(TwoStores.class, AnnotatedWithUnknownBean.class)
                .run(c -> {
                    String description = Failures.analysis(c).getDescription();
                    assertThat(description)
                            .startsWith("@MigratedRepository(newBean) on " + AnnotatedWithUnknownBean.class.getName()
                                    + " is 'missing'");
                });
    }

    @Configuration(proxyBeanMethods = false)
    @MigratedRepository(
            repository = OrderRepository.class,
            oldBean = "oldOrders",
            newBean = "newOrders",
            stageFlag = "f",
            name = "orders")
    static class AnnotatedOrders {}

    @Test
    void twoRepositoriesOfOneName() throws Exception {
        repository()
                .withUserConfiguration(AnnotatedOrders.class)
                .run(c -> assertThat(Failures.analysis(c).getDescription())
                        .contains("orders", "already names a migrated repository"));
    }

    @Test
    void aWorkingRepositoryForContrast() throws Exception {
        repository().run(c -> {
            assertThat(c).hasNotFailed();
            assertThat(c.getBean(OrderRepository.class).save(Order.of("x", "y")).id())
                    .isEqualTo("x");
        });
    }
}
