package dev.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.Gap;
import dev.cutover.spring.fixtures.JdbcNewOrders;
import dev.cutover.spring.fixtures.MapOrders;
import dev.cutover.spring.fixtures.MapStores;
import dev.cutover.spring.fixtures.Order;
import dev.cutover.spring.fixtures.OrderRepository;
import dev.cutover.spring.fixtures.OrderService;
import dev.cutover.spring.fixtures.SpringDataOrders;
import dev.cutover.spring.internal.CutoverAutoConfiguration;
import dev.cutover.testsupport.H2Databases;
import dev.cutover.testsupport.TestDatabase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.jdbc.repository.config.EnableJdbcRepositories;
import org.springframework.jdbc.core.JdbcTemplate;

/** Dual-write proxies from YAML and from {@link MigratedRepository}, over Spring Data and plain repositories. */
class DualWriteAutoConfigurationTest {
    static final AuditInfo AUDIT = new AuditInfo("test", "dual-write auto-configuration test");

    /** A fresh H2 database with the flag tables and both order tables. */
    static DataSource database() {
        TestDatabase db = H2Databases.createDatabase("dualwrite");
        JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
        // Spring Data JDBC quotes the table as written and the columns upper-cased on H2
        jdbc.execute("CREATE TABLE \"old_orders\" (id VARCHAR(64) PRIMARY KEY, item VARCHAR(200), version BIGINT)");
        jdbc.execute("CREATE TABLE new_orders (id VARCHAR(64) PRIMARY KEY, item VARCHAR(200))");
        return db.dataSource();
    }

    static ApplicationContextRunner runner(DataSource dataSource) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CutoverAutoConfiguration.class))
                .withBean(DataSource.class, () -> dataSource)
                .withPropertyValues(
                        "cutover.flags.store=jdbc",
                        "cutover.flags.jdbc.create-tables=true",
                        "cutover.flags.poll-interval=1h");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableJdbcRepositories(basePackageClasses = SpringDataOrders.class)
    static class SpringDataToPlain {
        @Bean
        JdbcNewOrders jdbcNewOrders(JdbcTemplate jdbc) {
            return new JdbcNewOrders(jdbc);
        }

        @Bean
        OrderService orderService(OrderRepository orders) {
            return new OrderService(orders);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(MapStores.class)
    static class PlainToPlain {
        @Bean
        OrderService orderService(OrderRepository orders) {
            return new OrderService(orders);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @MigratedRepository(
            repository = OrderRepository.class,
            oldBean = "oldOrders",
            newBean = "newOrders",
            stageFlag = "orders.migration",
            name = "orders")
    static class AnnotatedMigration {}

    @Test
    void springDataRepositoryToPlainRepositoryFollowsTheStageFlag() {
        DataSource db = database();
        runner(db)
                .withConfiguration(AutoConfigurations.of(
                        JdbcTemplateAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class,
                        DataJdbcRepositoriesAutoConfiguration.class))
                .withUserConfiguration(SpringDataToPlain.class)
                .withPropertyValues("cutover.dual-write.repositories.orders.entity-key=id")
                .withPropertyValues(OrdersMigration.properties("springDataOrders", "jdbcNewOrders"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    OrderService service = context.getBean(OrderService.class);
                    OrderRepository proxy = service.orders();
                    DualWriteControl control = DualWrite.control(proxy);
                    assertThat(context.getBean(OrderRepository.class)).isSameAs(proxy);
                    SpringDataOrders old = context.getBean(SpringDataOrders.class);
                    JdbcNewOrders fresh = context.getBean(JdbcNewOrders.class);

                    service.place("o1", "book");
                    assertThat(old.findById("o1")).map(Order::item).contains("book");
                    assertThat(fresh.count()).isZero();

                    WritableFlagStore store = context.getBean(WritableFlagStore.class);
                    StageFlag.advance(store, "orders.migration", AUDIT);
                    assertThat(context.getBean(FlagClient.class).refreshNow()).isTrue();
                    assertThat(control.stage(null)).isEqualTo(Stage.DUAL_WRITE);
                    service.place("o2", "lamp");
                    assertThat(old.findById("o2")).map(Order::item).contains("lamp");
                    await().atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(fresh.findById("o2"))
                                    .map(Order::item)
                                    .contains("lamp"));
                });
    }

    @Test
    void annotationOnAConfigurationClassRegistersTheProxyBetweenPlainRepositories() {
        AtomicReference<DualWriteControl> control = new AtomicReference<>();
        runner(database())
                .withUserConfiguration(PlainToPlain.class, AnnotatedMigration.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    OrderRepository proxy = context.getBean(OrderService.class).orders();
                    control.set(DualWrite.control(proxy));
                    StageFlag.moveTo(
                            context.getBean(WritableFlagStore.class), "orders.migration", Stage.DUAL_WRITE, AUDIT);
                    context.getBean(FlagClient.class).refreshNow();
                    proxy.save(Order.of("a", "pen"));
                    MapOrders newOrders = context.getBean("newOrders", MapOrders.class);
                    await().atMost(Duration.ofSeconds(10)).until(() -> newOrders.count() == 1);
                    assertThat(context.getBean("oldOrders", MapOrders.class).count())
                            .isEqualTo(1);
                });
        assertThat(control.get().isClosed()).as("closed with the context").isTrue();
    }

    @Configuration(proxyBeanMethods = false)
    static class OldToFailing {
        @Bean
        MapOrders oldOrders() {
            return new MapOrders();
        }

        @Bean
        OrderRepository failingOrders() {
            return new MapOrders() {
                @Override
                public Order save(Order order) {
                    throw new IllegalStateException("the new store is down");
                }
            };
        }
    }

    @Test
    void aMissedShadowWriteIsJournaledUnderTheEntityKeyNamedByTheSetting() {
        runner(database())
                .withUserConfiguration(OldToFailing.class)
                .withPropertyValues(
                        "cutover.journal.enabled=true",
                        "cutover.journal.create-tables=true",
                        "cutover.dual-write.repositories.orders.entity-key=id")
                .withPropertyValues(OrdersMigration.properties("oldOrders", "failingOrders"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    StageFlag.moveTo(
                            context.getBean(WritableFlagStore.class), "orders.migration", Stage.DUAL_WRITE, AUDIT);
                    context.getBean(FlagClient.class).refreshNow();
                    OrderRepository proxy = context.getBean(OrderRepository.class);
                    proxy.save(Order.of("k-1", "pen"));
                    FailedWriteJournal journal = context.getBean(FailedWriteJournal.class);
                    await().atMost(Duration.ofSeconds(10)).until(() -> journal.pendingCount() == 1);
                    assertThat(journal.pending(0, 10).get(0).write().entityKey())
                            .isEqualTo("k-1");
                });
    }

    @Test
    void theProxyUsesTheApplicationsJournal() {
        runner(database())
                .withUserConfiguration(PlainToPlain.class, AnnotatedMigration.class)
                .withPropertyValues("cutover.journal.enabled=true", "cutover.journal.create-tables=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    FailedWriteJournal journal = context.getBean(FailedWriteJournal.class);
                    // the proxy keeps its run record (read as a RUN gap while it lives) in the journal it was given
                    assertThat(journal.gaps()).anySatisfy(gap -> {
                        assertThat(gap.repository()).isEqualTo("OrderRepository");
                        assertThat(gap.kind()).isEqualTo(Gap.Kind.RUN);
                    });
                });
    }
}
