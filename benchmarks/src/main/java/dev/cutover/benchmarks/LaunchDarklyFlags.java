package dev.cutover.benchmarks;

import static dev.cutover.benchmarks.BenchmarkFlags.PLAIN_BOOLEAN;
import static dev.cutover.benchmarks.BenchmarkFlags.RULES_ROLLOUT;

import com.launchdarkly.logging.LDLogLevel;
import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.LDConfig;
import com.launchdarkly.sdk.server.integrations.FileData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * LaunchDarkly server SDK fed by its file data source from a classpath resource, with events and
 * diagnostics off, so it opens no connection. {@code TestData} cannot express a percentage
 * rollout, hence the file, which holds the flags in LaunchDarkly's own flag JSON.
 */
public final class LaunchDarklyFlags implements FlagSystem<LDContext> {

    static final String FLAGS_RESOURCE = "dev/cutover/benchmarks/launchdarkly-flags.json";

    private final LDClient client;

    /** Starts a client and waits until the file data is loaded. */
    public LaunchDarklyFlags() {
        client = offlineClient(FLAGS_RESOURCE);
        if (!client.isInitialized()) {
            close();
            throw new IllegalStateException("LaunchDarkly client did not load " + FLAGS_RESOURCE);
        }
    }

    /**
     * A client fed by the file data source from {@code classpathResource}, events and diagnostics
     * off, so it opens no connection; it waits up to 5 s for the file's data.
     */
    static LDClient offlineClient(String classpathResource) {
        LDConfig config = new LDConfig.Builder()
                .dataSource(FileData.dataSource().classpathResources(classpathResource))
                .events(Components.noEvents())
                .diagnosticOptOut(true)
                .logging(Components.logging().level(LDLogLevel.WARN))
                .startWait(Duration.ofSeconds(5))
                .build();
        return new LDClient("sdk-offline-benchmark", config);
    }

    @Override
    public String name() {
        return "launchdarkly";
    }

    @Override
    public LDContext context(Subject subject) {
        return LDContext.builder(subject.key())
                .set("country", subject.country())
                .set("plan", subject.plan())
                .set("email", subject.email())
                .build();
    }

    @Override
    public boolean plainBoolean(LDContext context) {
        return client.boolVariation(PLAIN_BOOLEAN, context, false);
    }

    @Override
    public boolean rulesRollout(LDContext context) {
        return client.boolVariation(RULES_ROLLOUT, context, false);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
