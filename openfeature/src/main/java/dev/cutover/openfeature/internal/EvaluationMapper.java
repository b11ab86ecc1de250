package dev.cutover.openfeature.internal;

import dev.cutover.flags.Evaluation;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import org.jspecify.annotations.Nullable;

/**
 * Turns a Cutover {@link Evaluation} into an OpenFeature {@link ProviderEvaluation}: the variant
 * name as it is, the reason and error code mapped as the module documentation tables show, a
 * message on every error, and flag metadata ({@value #FLAG_VERSION}, {@value #REVISION}, and
 * {@value #RULE_INDEX} for a rule match). Stateless and thread-safe.
 */
public final class EvaluationMapper {

  /** Metadata key: the version of the flag definition that was evaluated ({@code long}). */
  public static final String FLAG_VERSION = "flagVersion";
  /** Metadata key: the revision of the snapshot that was evaluated ({@code long}). */
  public static final String REVISION = "revision";
  /** Metadata key: the index of the matching rule, for a rule match only ({@code int}). */
  public static final String RULE_INDEX = "ruleIndex";

  private EvaluationMapper() {}

  /**
   * The OpenFeature result of a Cutover evaluation.
   *
   * @param key the flag key, for messages
   * @param evaluation Cutover's result
   * @param value the value to report: the converted variant value, or the caller's default when
   *     {@code evaluation} served the default
   * @param type the requested type, for messages
   */
  public static <T> ProviderEvaluation<T> map(
      @Nullable String key, Evaluation<?> evaluation, @Nullable T value, String type) {
    ProviderEvaluation.ProviderEvaluationBuilder<T, ?, ?> b = ProviderEvaluation.<T>builder().value(value);
    switch (evaluation.reason()) {
      case OFF -> b.reason(Reason.DISABLED.name());
      case TARGET_MATCH, RULE_MATCH -> b.reason(Reason.TARGETING_MATCH.name());
      case ROLLOUT -> b.reason(Reason.SPLIT.name());
      case FALLTHROUGH -> b.reason(Reason.DEFAULT.name());
      case FLAG_NOT_FOUND -> {
        return error(value, ErrorCode.FLAG_NOT_FOUND, "no flag '" + key + "' in the served snapshot (revision "
            + evaluation.revision() + ")");
      }
      case ERROR -> {
        return error(value, errorCode(evaluation.errorCode()), message(key, evaluation, type));
      }
    }
    b.variant(evaluation.variant());
    ImmutableMetadata.ImmutableMetadataBuilder metadata =
        ImmutableMetadata.builder()
            .addLong(FLAG_VERSION, evaluation.flagVersion())
            .addLong(REVISION, evaluation.revision());
    if (evaluation.ruleIndex() >= 0) {
      metadata.addInteger(RULE_INDEX, evaluation.ruleIndex());
    }
    return b.flagMetadata(metadata.build()).build();
  }

  /** An error result serving {@code value}. */
  public static <T> ProviderEvaluation<T> error(@Nullable T value, ErrorCode code, String message) {
    return ProviderEvaluation.<T>builder()
        .value(value)
        .reason(Reason.ERROR.name())
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
      case STALE, INVALID_ARGUMENT, EXCEPTION -> ErrorCode.GENERAL;
    };
  }

  private static String message(@Nullable String key, Evaluation<?> evaluation, String type) {
    dev.cutover.flags.ErrorCode code = evaluation.errorCode();
    if (code == null) {
      return "evaluation of flag '" + key + "' failed without an error code";
    }
    return switch (code) {
      case WRONG_TYPE -> "flag '" + key + "' has no " + type + " variants";
      case CLIENT_NOT_READY -> "no flag snapshot is loaded yet: the flag store and the backup file gave no data";
      case STALE -> "the flag snapshot (revision " + evaluation.revision()
          + ") is older than the maximum staleness and the policy serves code defaults";
      case INVALID_ARGUMENT -> key == null ? "the flag key is null" : "invalid argument for flag '" + key + "'";
      case EXCEPTION -> "evaluation of flag '" + key + "' failed unexpectedly; the client logged the cause";
    };
  }
}
