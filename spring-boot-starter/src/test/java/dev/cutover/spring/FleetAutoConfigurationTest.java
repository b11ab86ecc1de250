package dev.cutover.spring;

import static dev.cutover.spring.Failures.namesPropertyAndValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.flags.fleet.FleetHeartbeat;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.spring.fixtures.MapStores;
import dev.cutover.spring.internal.CutoverAutoConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Heartbeats are on by default, carry each proxy's stage, and are removed when the context closes. */
@ExtendWith(OutputCaptureExtension.class)
class FleetAutoConfigurationTest {
    private final InMemoryFlagStore store = new InMemoryFlagStore();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CutoverAutoConfiguration.class))
            .withBean(InMemoryFlagStore.class, () -> store)
            .withUserConfiguration(MapStores.class)
            .withPropertyValues("spring.application.name=orders-service", "cutover.flags.poll-interval=1h")
            .withPropertyValues(OrdersMigration.properties("oldOrders", "newOrders"));

    @Test
    void theApplicationsHeartbeatCarriesEachProxysStageAndGoesWithTheContext() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !store.heartbeats(Instant.now()).isEmpty());
            Heartbeat beat = store.heartbeats(Instant.now()).get(0);
            assertThat(beat.service()).isEqualTo("orders-service");
            assertThat(beat.instance()).isEqualTo(FleetHeartbeat.defaultInstance());
            assertThat(beat.stages()).isEqualTo(Map.of("orders", "OLD_ONLY"));
            assertThat(beat.interval()).isEqualTo(Duration.ofHours(1));
        });
        assertThat(store.heartbeats(Instant.now())).isEmpty();
    }

    @Test
    void serviceAndInstanceFromTheirProperties() {
        runner.withPropertyValues("cutover.fleet.service=orders", "cutover.fleet.instance=pod-7")
                .run(context -> {
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> !store.heartbeats(Instant.now()).isEmpty());
                    Heartbeat beat = store.heartbeats(Instant.now()).get(0);
                    assertThat(List.of(beat.service(), beat.instance())).containsExactly("orders", "pod-7");
                });
    }

    @Test
    void offWhenDisabled() {
        runner.withPropertyValues("cutover.fleet.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("cutoverFleetPublisher");
        });
    }

    @Test
    void aStoreWithoutHeartbeatsRunsWithoutSayingSoOnce(CapturedOutput output, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("flags.json");
        Files.writeString(file, "{\"flags\": []}");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CutoverAutoConfiguration.class))
                .withPropertyValues(
                        "spring.application.name=orders", "cutover.flags.store=json-file", "cutover.flags.file=" + file)
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(output.getOut().split("keeps no heartbeats", -1)).hasSize(2);
    }

    @Test
    void aMalformedServiceNameStopsTheContext() {
        runner.withPropertyValues("cutover.fleet.service=orders service")
                .run(c -> namesPropertyAndValue(c, "cutover.fleet.service", "orders service"));
    }

    @Test
    void aMalformedInstanceIdStopsTheContext() {
        runner.withPropertyValues("cutover.fleet.instance=pod/7\n")
                .run(c -> assertThat(Failures.analysis(c).getDescription())
                        .startsWith("cutover.fleet.instance is 'pod/7"));
    }
}
