package dev.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.Stage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.spring.fixtures.JdbcNewOrders;
import dev.cutover.spring.fixtures.Order;
import dev.cutover.spring.fixtures.OrderService;
import dev.cutover.spring.fixtures.SpringDataOrders;
import dev.cutover.spring.fixtures.app.OrdersApplication;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real application on embedded PostgreSQL, with flags, journal and proxy from application.yml:
 * the endpoint and health are read over HTTP, a stage is moved by an authenticated POST, and the
 * proxy follows (writes land in the new store).
 */
@SpringBootTest(classes = OrdersApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("orders")
class OrdersApplicationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase db = DatabaseKind.POSTGRES.createDatabase("starter_app");
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
    }

    @LocalServerPort
    int port;

    @Autowired
    OrderService service;

    @Autowired
    SpringDataOrders oldOrders;

    @Autowired
    JdbcNewOrders newOrders;

    @Autowired
    WritableFlagStore store;

    @Test
    void operatorMovesTheStageOverHttpAndTheProxyFollows() throws Exception {
        JsonNode health = JSON.readTree(get("/actuator/health").body());
        assertThat(health.path("status").asText()).isEqualTo("UP");
        JsonNode cutoverHealth = health.path("components").path("cutover");
        assertThat(cutoverHealth.path("status").asText()).isEqualTo("UP");
        assertThat(cutoverHealth.path("details").path("source").asText()).isEqualTo("STORE");
        assertThat(cutoverHealth.path("details").path("stages").path("orders").asText())
                .isEqualTo("OLD_ONLY");

        JsonNode before = JSON.readTree(get("/actuator/cutover").body());
        assertThat(before.path("repositories").path("orders").path("stage").asText())
                .isEqualTo("OLD_ONLY");
        assertThat(before.path("journal").path("depth").asLong()).isZero();
        service.place("o-1", "book");
        assertThat(oldOrders.findById("o-1")).isPresent();
        assertThat(newOrders.count()).isZero();

        HttpResponse<String> anonymous = post("/actuator/cutover/orders.migration", "{\"move\": \"next\"}", null);
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).contains("authenticated principal");

        HttpResponse<String> skip = post("/actuator/cutover/orders.migration", "{\"move\": \"SHADOW\"}", "alice");
        assertThat(skip.statusCode()).isEqualTo(409);
        assertThat(skip.body()).contains("nothing was written");

        HttpResponse<String> moved = post(
                "/actuator/cutover/orders.migration",
                "{\"move\": \"next\", \"reason\": \"OPS-1 start dual writes\"}",
                "alice");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        JsonNode move = JSON.readTree(moved.body());
        assertThat(move.path("to").get(0).asText()).isEqualTo("DUAL_WRITE");
        assertThat(move.path("actor").asText()).isEqualTo("alice");
        assertThat(DualWrite.control(service.orders()).stage(null)).isEqualTo(Stage.DUAL_WRITE);

        service.place("o-2", "lamp");
        assertThat(oldOrders.findById("o-2")).map(Order::item).contains("lamp");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(newOrders.findById("o-2")).map(Order::item).contains("lamp"));

        AuditRecord audit =
                store.history("orders.migration", null, 10).records().get(0);
        assertThat(audit.actor()).isEqualTo("alice");
        assertThat(audit.reason()).isEqualTo("OPS-1 start dual writes");

        // the fleet heartbeat, in the flag store's instances table, carries the stage this instance serves
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(((HeartbeatStore) store).heartbeats(Instant.now()))
                        .singleElement()
                        .satisfies(beat -> {
                            assertThat(beat.service()).isEqualTo("orders");
                            assertThat(beat.stages()).containsEntry("orders", "DUAL_WRITE");
                        }));

        JsonNode after = JSON.readTree(get("/actuator/cutover").body());
        assertThat(after.path("fleet").get(0).path("stages").path("orders").asText())
                .isEqualTo("DUAL_WRITE");
        assertThat(after.path("fleet").get(0).path("live").asBoolean()).isTrue();
        assertThat(after.path("repositories").path("orders").path("stage").asText())
                .isEqualTo("DUAL_WRITE");
        assertThat(after.path("flags").get(0).path("key").asText()).isEqualTo("orders.migration");
        assertThat(after.path("flags").get(0).path("version").asLong()).isEqualTo(1);
        assertThat(after.path("client").path("revision").asLong())
                .isEqualTo(after.path("storeRevision").asLong());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, @Nullable String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString((user + ":s3cret").getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
