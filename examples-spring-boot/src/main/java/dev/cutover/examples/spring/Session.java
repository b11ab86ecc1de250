package dev.cutover.examples.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** A short operator session against the running application, printed as curl commands and answers. */
final class Session {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();

    Session(int port, PrintStream out) {
        this.port = port;
        this.out = out;
    }

    void play() throws Exception {
        get("/actuator/health");
        post("/orders", "{\"id\":\"o-1\",\"item\":\"book\"}", null);
        post("/actuator/cutover/orders.migration", "{\"move\":\"next\"}", null);
        post("/actuator/cutover/orders.migration", "{\"move\":\"SHADOW\"}", "ops");
        post("/actuator/cutover/orders.migration", "{\"move\":\"next\",\"reason\":\"OPS-7 start dual writes\"}", "ops");
        post("/orders", "{\"id\":\"o-2\",\"item\":\"lamp\"}", null);
        get("/actuator/cutover");
    }

    private void get(String path) throws Exception {
        out.println("$ curl -s localhost:" + port + path);
        show(http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private void post(String path, String body, @Nullable String user) throws Exception {
        out.println("$ curl -s" + (user == null ? "" : " -u " + user + ":" + user)
                + " -H 'Content-Type: application/json' -d '" + body + "' localhost:" + port + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
        }
        show(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private void show(HttpResponse<String> response) throws Exception {
        String body = response.body();
        String shown =
                body.isBlank() ? "" : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(body));
        out.println("HTTP " + response.statusCode() + (shown.isEmpty() ? "" : "\n" + shown));
        out.println();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
