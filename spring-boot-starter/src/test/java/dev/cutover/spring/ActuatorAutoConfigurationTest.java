package dev.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.spring.fixtures.MapStores;
import dev.cutover.spring.internal.CutoverActuatorAutoConfiguration;
import dev.cutover.spring.internal.CutoverAutoConfiguration;
import dev.cutover.spring.internal.CutoverEndpoint;
import dev.cutover.spring.internal.CutoverMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health contributor's mapping, the endpoint's presence, and the metrics binders. */
class ActuatorAutoConfigurationTest {
    private final InMemoryFlagStore store = new InMemoryFlagStore();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    CutoverAutoConfiguration.class,
                    CutoverActuatorAutoConfiguration.class,
                    CutoverMetricsAutoConfiguration.class,
                    EndpointAutoConfiguration.class))
            .withBean(InMemoryFlagStore.class, () -> store)
            .withUserConfiguration(MapStores.class)
            .withPropertyValues(
                    "cutover.fleet.enabled=false",
                    "cutover.flags.poll-interval=1h",
                    "management.endpoints.web.exposure.include=health,cutover")
            .withPropertyValues(OrdersMigration.properties("oldOrders", "newOrders"));

    @Test
    void healthIsUpWithTheSourceAndEachProxysStage() throws Exception {
        StageFlag.moveTo(store, "orders.migration", Stage.DUAL_WRITE, DualWriteAutoConfigurationTest.AUDIT);
        runner.run(context -> {
            var health = context.getBean("cutoverHealthIndicator", HealthIndicator.class)
                    .health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails())
                    .containsEntry("state", "READY")
                    .containsEntry("source", "STORE")
                    .containsEntry("stages", Map.of("orders", "DUAL_WRITE"));
        });
    }

    @Test
    void healthIsDownWhileCodeDefaultsAreServed(@TempDir Path dir) {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(CutoverAutoConfiguration.class, CutoverActuatorAutoConfiguration.class))
                .withPropertyValues(
                        "cutover.flags.store=json-file",
                        "cutover.flags.file=" + dir.resolve("absent.json"),
                        "cutover.flags.startup-timeout=0s",
                        "cutover.flags.store-retry=1")
                .run(context -> {
                    HealthIndicator health = context.getBean("cutoverHealthIndicator", HealthIndicator.class);
                    await().atMost(Duration.ofSeconds(20))
                            .untilAsserted(() ->
                                    assertThat(health.health().getStatus()).isEqualTo(Status.DOWN));
                    assertThat(health.health().getDetails()).containsEntry("source", "DEFAULTS");
                });
    }

    @Test
    void healthContributorCanBeSwitchedOff() {
        runner.withPropertyValues("management.health.cutover.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("cutoverHealthIndicator"));
    }

    @Test
    void theEndpointReportsFlagsAndProxies() throws Exception {
        StageFlag.moveTo(store, "orders.migration", Stage.DUAL_WRITE, DualWriteAutoConfigurationTest.AUDIT);
        runner.run(context -> {
            Map<String, Object> body = context.getBean(CutoverEndpoint.class).cutover();
            assertThat(body).containsKeys("client", "store", "storeRevision", "flags", "repositories");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> repositories = (Map<String, Map<String, Object>>) body.get("repositories");
            assertThat(repositories.get("orders")).containsEntry("stage", "DUAL_WRITE");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> flags = (List<Map<String, Object>>) body.get("flags");
            assertThat(flags)
                    .singleElement()
                    .satisfies(f -> assertThat(f)
                            .containsEntry("key", "orders.migration")
                            .containsEntry("version", 1L));
        });
    }

    @Test
    void theEndpointIsOffWhenNotExposed() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health")
                .run(context -> assertThat(context).doesNotHaveBean(CutoverEndpoint.class));
    }

    @Test
    void metersOfTheFlagClientAndEveryProxyAreBound() {
        runner.withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("cutover.flags.loads").meters()).isNotEmpty();
                    assertThat(registry.find("cutover.dualwrite.shadow.pending")
                                    .tag("migration", "orders")
                                    .gauge())
                            .isNotNull();
                });
    }
}
