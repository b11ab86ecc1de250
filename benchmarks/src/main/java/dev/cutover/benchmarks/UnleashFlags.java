package dev.cutover.benchmarks;

import static dev.cutover.benchmarks.BenchmarkFlags.PLAIN_BOOLEAN;
import static dev.cutover.benchmarks.BenchmarkFlags.RULES_ROLLOUT;

import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.UnleashException;
import io.getunleash.metric.ClientMetrics;
import io.getunleash.metric.ClientRegistration;
import io.getunleash.metric.MetricSender;
import io.getunleash.util.UnleashConfig;
import io.getunleash.util.UnleashScheduledExecutorImpl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Unleash Java client bootstrapped from a toggles payload on the classpath, without any server:
 * polling and metrics are disabled, the initial fetch is not synchronous, and the fetcher and metric
 * sender are replaced by ones that never open a connection. The backup file points into a fresh
 * empty directory so that no leftover backup overrides the bootstrap.
 */
public final class UnleashFlags implements FlagSystem<UnleashContext> {

    static final String FEATURES_RESOURCE = "dev/cutover/benchmarks/unleash-features.json";

    private final Path backupDir;
    private final UnleashScheduledExecutorImpl executor;
    private final Unleash unleash;

    /** Starts a client over the bootstrapped toggles. */
    public UnleashFlags() {
        String features = readResource(FEATURES_RESOURCE);
        try {
            backupDir = Files.createTempDirectory("unleash-benchmark");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = new UnleashScheduledExecutorImpl();
        UnleashConfig config = UnleashConfig.builder()
                .appName("cutover-benchmarks")
                .instanceId("benchmark-" + UUID.randomUUID())
                // Required by the builder; never contacted, see the fetcher and sender below.
                .unleashAPI("http://127.0.0.1:9/api/")
                .disablePolling()
                .disableMetrics()
                .synchronousFetchOnInitialisation(false)
                .unleashFeatureFetcherFactory(c -> () -> {
                    throw new UnleashException("offline benchmark: toggles are bootstrapped", null);
                })
                .metricsSenderFactory(c -> new NoMetricSender())
                .backupFile(backupDir.resolve("unleash-repo.json").toString())
                .toggleBootstrapProvider(() -> Optional.of(features))
                .scheduledExecutor(executor)
                .build();
        unleash = new DefaultUnleash(config);
    }

    private static String readResource(String name) {
        try (InputStream in =
                Objects.requireNonNull(UnleashFlags.class.getClassLoader().getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "unleash";
    }

    @Override
    public UnleashContext context(Subject subject) {
        return UnleashContext.builder()
                .userId(subject.key())
                .addProperty("country", subject.country())
                .addProperty("plan", subject.plan())
                .addProperty("email", subject.email())
                .build();
    }

    @Override
    public boolean plainBoolean(UnleashContext context) {
        return unleash.isEnabled(PLAIN_BOOLEAN, context, false);
    }

    @Override
    public boolean rulesRollout(UnleashContext context) {
        return unleash.isEnabled(RULES_ROLLOUT, context, false);
    }

    @Override
    public void close() {
        unleash.shutdown();
        executor.shutdown();
        try {
            Files.deleteIfExists(backupDir.resolve("unleash-repo.json"));
            Files.deleteIfExists(backupDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A metric sender that sends nothing. */
    private static final class NoMetricSender implements MetricSender {
        @Override
        public int registerClient(ClientRegistration registration) {
            return 200;
        }

        @Override
        public int sendMetrics(ClientMetrics metrics) {
            return 200;
        }
    }
}
