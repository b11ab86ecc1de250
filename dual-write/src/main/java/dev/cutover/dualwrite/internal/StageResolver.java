package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.Stage;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.FlagClient;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the stage flag once per call. The hot path is one flag evaluation plus a string switch
 * (the flag's value is one of six interned names, whose hash is cached), so resolving the stage
 * allocates nothing beyond the evaluation context.
 *
 * <p>An unknown value falls back to the default stage, counts {@code cutover.dualwrite.stage.unknown}
 * and logs one WARN per distinct value (at most {@value #MAX_WARNED} values are remembered, so a
 * misbehaving flag cannot grow memory). A flag client that throws, against its contract, is
 * treated like an unknown value. Thread-safe.
 */
final class StageResolver {
    private static final Logger LOG = LoggerFactory.getLogger(StageResolver.class);
    private static final int MAX_WARNED = 64;

    private final FlagClient flags;
    private final String flagKey;
    private final Stage defaultStage;
    private final String defaultName;
    private final String repository;
    private final Telemetry telemetry;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final RateLimitedLog clientErrors = new RateLimitedLog(1, TimeUnit.MINUTES);

    StageResolver(FlagClient flags, String flagKey, Stage defaultStage, String repository, Telemetry telemetry) {
        this.flags = flags;
        this.flagKey = flagKey;
        this.defaultStage = defaultStage;
        this.defaultName = defaultStage.name();
        this.repository = repository;
        this.telemetry = telemetry;
    }

    /** The stage of one call with this entity key (null: no key, evaluated without a context). */
    Stage resolve(@org.jspecify.annotations.Nullable String entityKey) {
        String value;
        try {
            value = flags.stringValue(
                    flagKey,
                    entityKey == null ? EvaluationContext.empty() : EvaluationContext.of(entityKey),
                    defaultName);
        } catch (RuntimeException e) {
            long suppressed = clientErrors.permit("client");
            if (suppressed >= 0) {
                LOG.warn(
                        "{}: the flag client threw evaluating '{}'; serving the default stage {}{}",
                        repository,
                        flagKey,
                        defaultStage,
                        RateLimitedLog.suppressed(suppressed),
                        e);
            }
            telemetry.stageUnknown();
            return defaultStage;
        }
        switch (value) {
            case "OLD_ONLY":
                return Stage.OLD_ONLY;
            case "DUAL_WRITE":
                return Stage.DUAL_WRITE;
            case "SHADOW":
                return Stage.SHADOW;
            case "LIVE":
                return Stage.LIVE;
            case "RAMP_DOWN":
                return Stage.RAMP_DOWN;
            case "NEW_ONLY":
                return Stage.NEW_ONLY;
            default:
                return lenient(value);
        }
    }

    private Stage lenient(String value) {
        Optional<Stage> parsed = Stage.parse(value);
        if (parsed.isPresent()) {
            return parsed.get();
        }
        telemetry.stageUnknown();
        if (warned.size() < MAX_WARNED && warned.add(value)) {
            LOG.warn(
                    "{}: stage flag '{}' has the value '{}', which names no stage (one of OLD_ONLY,"
                            + " DUAL_WRITE, SHADOW, LIVE, RAMP_DOWN, NEW_ONLY); serving the default stage {}",
                    repository,
                    flagKey,
                    value.length() > 64 ? value.substring(0, 64) + "..." : value,
                    defaultStage);
        }
        return defaultStage;
    }
}
