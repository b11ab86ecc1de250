package dev.cutover.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Runs the example's session as {@code --print-and-exit} does and checks what it printed. */
class SampleApplicationTest {

    @Test
    void theSessionMovesTheStageAndTheSecondOrderReachesTheNewStore() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (ConfigurableApplicationContext context = SampleApplication.start(0)) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            new Session(port, new PrintStream(printed, true, StandardCharsets.UTF_8)).play();
            NewOrders newOrders = context.getBean(NewOrders.class);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(newOrders.findById("o-2")).isPresent());
            assertThat(newOrders.findById("o-1")).isEmpty();
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("HTTP 403", "HTTP 409", "\"actor\" : \"ops\"", "\"stage\" : \"DUAL_WRITE\"");
    }
}
