package dev.cutover.examples.spring;

import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.util.Arrays;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Orders move from a Spring Data JDBC repository to a plain JDBC one, wired by {@code application.yml}
 * alone. The application starts its own PostgreSQL (embedded) for the data, the flags and the journal.
 *
 * <pre>
 * mvn -B -q -pl examples-spring-boot -am test-compile exec:java -Dexec.args=--print-and-exit
 * </pre>
 *
 * <p>With {@code --print-and-exit} it plays a short session against its own HTTP port (read the
 * endpoint, place an order, move the stage as the operator, place another, read again), prints
 * each request and answer, and exits. Without it, it serves on port 8080 until Ctrl-C.
 */
@SpringBootApplication
public class SampleApplication {

    /** Starts PostgreSQL, then the application. */
    public static void main(String[] args) throws Exception {
        boolean printAndExit = Arrays.asList(args).contains("--print-and-exit");
        ConfigurableApplicationContext context = start(printAndExit ? 0 : 8080, args);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        if (printAndExit) {
            try {
                new Session(port, System.out).play();
            } finally {
                context.close();
            }
        } else {
            System.out.println("Serving on http://localhost:" + port + "/actuator/cutover (Ctrl-C stops). Try:");
            System.out.println("  curl -s -u ops:ops -H 'Content-Type: application/json' -d '{\"move\":\"next\"}'"
                    + " http://localhost:" + port + "/actuator/cutover/orders.migration");
        }
    }

    /** The application on a fresh database of the embedded server, on {@code port} (0: any free one). */
    static ConfigurableApplicationContext start(int port, String... args) {
        TestDatabase db = EmbeddedPostgresServer.get().createDatabase("cutover_sample");
        SpringApplication app = new SpringApplication(SampleApplication.class);
        app.setDefaultProperties(Map.of(
                "spring.datasource.url", db.jdbcUrl(),
                "spring.datasource.username", db.user(),
                "spring.datasource.password", db.password(),
                "server.port", String.valueOf(port)));
        return app.run(args);
    }
}
