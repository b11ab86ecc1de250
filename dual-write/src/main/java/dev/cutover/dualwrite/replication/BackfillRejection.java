package dev.cutover.dualwrite.replication;

import java.util.Objects;

/**
 * A source row the backfill did not apply because the transform or the key normalizer rejected
 * it. Counted, logged at WARN with its key, given to {@link BackfillListener#onRejected} and kept
 * in {@link BackfillResult#rejections()}.
 *
 * <pre>{@code
 * result.rejections().forEach(r -> audit.add(r.key(), r.reason()));
 * }</pre>
 *
 * @param key the row's key in the source
 * @param version the row's version in the source
 * @param segment the source segment it was read from
 * @param reason why, in words (the transform's reason, or the exception it threw)
 * @since 0.1.0
 */
public record BackfillRejection(String key, long version, int segment, String reason) {
  public BackfillRejection {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(reason, "reason");
  }
}
