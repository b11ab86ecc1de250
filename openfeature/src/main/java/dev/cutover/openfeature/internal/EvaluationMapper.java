package dev.cutover.openfeature.internal;

import dev.cutover.flags.Evaluation;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns a Cutover {@link Evaluation} into an OpenFeature {@link ProviderEvaluation}: the variant
 * name as it is, the reason and error code mapped as the module documentation tables show, a
 * message on every error, and the flag's own metadata ({@code Flag.metadata()}),
 * with {@value #FLAG_VERSION}, {@value #REVISION} and, for a rule match, {@value #RULE_INDEX} added
 * when the provider exposes them.
 *
 * <p>Thread-safe. The metadata of a successful evaluation depends only on the flag's metadata map
 * (one instance per flag definition) and, when exposed, on flag version, revision and rule index,
 * so it is kept in a small direct-mapped cache of immutable entries: an evaluation that hits it
 * allocates no metadata, and a flag without metadata reports none without allocating. Slots are
 * written without locks; a reader sees either an older complete entry (final fields) or the new
 * one, and a stale or colliding entry only misses.
 */
public final class EvaluationMapper {

    /** Metadata key: the version of the flag definition that was evaluated ({@code long}). */
    public static final String FLAG_VERSION = "flagVersion";
    /** Metadata key: the revision of the snapshot that was evaluated ({@code long}). */
    public static final String REVISION = "revision";
    /** Metadata key: the index of the matching rule, for a rule match only ({@code int}). */
    public static final String RULE_INDEX = "ruleIndex";

    private static final int SLOTS = 256;

    private record Cached(
            Map<String, Object> flagMetadata,
            long flagVersion,
            long revision,
            int ruleIndex,
            ImmutableMetadata metadata) {}

    private final Cached[] cache = new Cached[SLOTS];
    private final boolean exposeVersions;

    private static final String DISABLED = Reason.DISABLED.name();
    private static final String TARGETING_MATCH = Reason.TARGETING_MATCH.name();
    private static final String SPLIT = Reason.SPLIT.name();
    private static final String DEFAULT = Reason.DEFAULT.name();
    private static final String STATIC = Reason.STATIC.name();
    private static final String ERROR = Reason.ERROR.name();

    /**
     * A mapper with an empty metadata cache.
     *
     * @param exposeVersions whether to add {@value #FLAG_VERSION}, {@value #REVISION} and
     *     {@value #RULE_INDEX} to the flag's own metadata
     */
    public EvaluationMapper(boolean exposeVersions) {
        this.exposeVersions = exposeVersions;
    }

    /**
     * The OpenFeature result of a Cutover evaluation.
     *
     * @param key the flag key, for messages
     * @param evaluation Cutover's result
     * @param value the value to report: the converted variant value, or the caller's default when
     *     {@code evaluation} served the default
     * @param type the requested type, for messages
     * @param view the context view the evaluation read, for the message of an invalid context
     */
    public <T> ProviderEvaluation<T> map(
            @Nullable String key,
            Evaluation<?> evaluation,
            @Nullable T value,
            String type,
            @Nullable ContextView view) {
        String reason;
        switch (evaluation.reason()) {
            case OFF -> reason = DISABLED;
            case TARGET_MATCH, RULE_MATCH -> reason = TARGETING_MATCH;
            case ROLLOUT -> reason = SPLIT;
            case FALLTHROUGH -> reason = DEFAULT;
            case STATIC -> reason = STATIC;
            case FLAG_NOT_FOUND -> {
                return error(
                        value,
                        ErrorCode.FLAG_NOT_FOUND,
                        "no flag '" + key + "' in the served snapshot (revision " + evaluation.revision() + ")");
            }
            case ERROR -> {
                return error(value, errorCode(evaluation.errorCode()), message(key, evaluation, type, view));
            }
            default -> throw new IllegalStateException("unknown reason " + evaluation.reason());
        }
        return new ProviderEvaluation<>(
                value,
                evaluation.variant(),
                reason,
                null,
                null,
                metadata(
                        evaluation.flagMetadata(),
                        evaluation.flagVersion(),
                        evaluation.revision(),
                        evaluation.ruleIndex()));
    }

    /** The metadata to report; null (the SDK's empty metadata) when there is nothing to report. */
    private @Nullable ImmutableMetadata metadata(
            Map<String, Object> flagMetadata, long flagVersion, long revision, int ruleIndex) {
        if (!exposeVersions) {
            if (flagMetadata.isEmpty()) {
                return null;
            }
            flagVersion = 0;
            revision = 0;
            ruleIndex = -1;
        }
        long h = (flagVersion * 0x9E3779B97F4A7C15L)
                ^ (revision * 0xC2B2AE3D27D4EB4FL)
                ^ ruleIndex
                ^ System.identityHashCode(flagMetadata);
        int slot = (int) (h ^ (h >>> 32)) & (SLOTS - 1);
        Cached c = cache[slot];
        if (c != null
                && c.flagMetadata == flagMetadata
                && c.flagVersion == flagVersion
                && c.revision == revision
                && c.ruleIndex == ruleIndex) {
            return c.metadata;
        }
        ImmutableMetadata.ImmutableMetadataBuilder b = ImmutableMetadata.builder();
        flagMetadata.forEach((name, v) -> {
            if (v instanceof String s) {
                b.addString(name, s);
            } else if (v instanceof Boolean bool) {
                b.addBoolean(name, bool);
            } else if (v instanceof Long l) {
                b.addLong(name, l);
            } else if (v instanceof Integer i) {
                b.addInteger(name, i);
            } else if (v instanceof Number n) {
                b.addDouble(name, n.doubleValue());
            } else {
                b.addString(name, String.valueOf(v));
            }
        });
        if (exposeVersions) {
            b.addLong(FLAG_VERSION, flagVersion).addLong(REVISION, revision);
            if (ruleIndex >= 0) {
                b.addInteger(RULE_INDEX, ruleIndex);
            }
        }
        ImmutableMetadata built = b.build();
        cache[slot] = new Cached(flagMetadata, flagVersion, revision, ruleIndex, built);
        return built;
    }

    /** An error result serving {@code value}. */
    public static <T> ProviderEvaluation<T> error(@Nullable T value, ErrorCode code, String message) {
        return ProviderEvaluation.<T>builder()
                .value(value)
                .reason(ERROR)
                .errorCode(code)
                .errorMessage(message)
                .build();
    }

    /** The OpenFeature error code for a Cutover one. */
    public static ErrorCode errorCode(dev.cutover.flags.@Nullable ErrorCode code) {
        if (code == null) {
            return ErrorCode.GENERAL;
        }
        return switch (code) {
            case WRONG_TYPE -> ErrorCode.TYPE_MISMATCH;
            case CLIENT_NOT_READY -> ErrorCode.PROVIDER_NOT_READY;
            case TARGETING_KEY_MISSING -> ErrorCode.TARGETING_KEY_MISSING;
            case INVALID_CONTEXT -> ErrorCode.INVALID_CONTEXT;
            case STALE, INVALID_ARGUMENT, EXCEPTION -> ErrorCode.GENERAL;
        };
    }

    private static String message(
            @Nullable String key, Evaluation<?> evaluation, String type, @Nullable ContextView view) {
        dev.cutover.flags.ErrorCode code = evaluation.errorCode();
        if (code == null) {
            return "evaluation of flag '" + key + "' failed without an error code";
        }
        return switch (code) {
            case WRONG_TYPE -> "flag '" + key + "' has no " + type + " variants";
            case CLIENT_NOT_READY -> "no flag snapshot is loaded yet: the flag store and the backup file gave no data";
            case STALE ->
                "the flag snapshot (revision " + evaluation.revision()
                        + ") is older than the maximum staleness and the policy serves code defaults";
            case INVALID_ARGUMENT -> key == null ? "the flag key is null" : "invalid argument for flag '" + key + "'";
            case EXCEPTION -> "evaluation of flag '" + key + "' failed unexpectedly; the client logged the cause";
            case TARGETING_KEY_MISSING ->
                "flag '" + key + "' needs the targeting key (it has individual targets, a rule on the key, or a"
                        + " rollout bucketed by it) and the evaluation context has none";
            case INVALID_CONTEXT ->
                view != null && view.problem() != null
                        ? "flag '" + key + "': " + view.problem()
                        : "flag '" + key + "' read a context attribute it cannot compare";
        };
    }
}
