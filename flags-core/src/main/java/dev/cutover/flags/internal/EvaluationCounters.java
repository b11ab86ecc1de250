package dev.cutover.flags.internal;

import dev.cutover.flags.ErrorCode;
import dev.cutover.flags.Reason;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Evaluation counts by flag, variant, reason and error code, aggregated in {@link LongAdder}s that
 * the hot path increments without allocating or contending. The adders live here, not in a
 * snapshot, so counts survive refreshes; compiled flags hold direct references to theirs. A
 * metrics binder publishes them as function counters.
 */
public final class EvaluationCounters {
  /** Distinct unknown flag keys counted by name before they are folded into one series. */
  static final int MAX_UNKNOWN_KEYS = 1000;
  /** The flag tag used once {@link #MAX_UNKNOWN_KEYS} is exceeded. */
  public static final String OTHER_KEYS = "(other)";

  /**
   * One counter series.
   *
   * @param flag flag key
   * @param variant variant name, empty when the default was served
   * @param reason reason
   * @param errorCode error code name, empty when none
   */
  public record Series(String flag, String variant, Reason reason, String errorCode) {}

  private final ConcurrentHashMap<Series, LongAdder> adders = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> unknown = new ConcurrentHashMap<>();
  private final java.util.Set<String> errorKeys = ConcurrentHashMap.newKeySet();

  /** The adder of a served variant. */
  public LongAdder served(String flag, String variant, Reason reason) {
    return adders.computeIfAbsent(new Series(flag, variant, reason, ""), s -> new LongAdder());
  }

  /**
   * Counts an evaluation of a key the snapshot does not have. Allocation-free once the key has been
   * seen; beyond {@link #MAX_UNKNOWN_KEYS} distinct keys, new ones share the {@link #OTHER_KEYS} series.
   */
  public void notFound(String flag) {
    LongAdder adder = unknown.get(flag);
    if (adder == null) {
      String tag = unknown.size() >= MAX_UNKNOWN_KEYS ? OTHER_KEYS : flag;
      adder = adders.computeIfAbsent(new Series(tag, "", Reason.FLAG_NOT_FOUND, ""), s -> new LongAdder());
      if (tag.equals(flag)) {
        unknown.putIfAbsent(flag, adder);
      }
    }
    adder.increment();
  }

  /**
   * Counts an evaluation that served the caller's default because of an error. Errors are rare, so
   * this may allocate; distinct keys are capped like {@link #notFound}.
   */
  public void error(String flag, @Nullable ErrorCode code) {
    String tag = flag;
    if (!errorKeys.contains(flag)) {
      if (errorKeys.size() >= MAX_UNKNOWN_KEYS) {
        tag = OTHER_KEYS;
      } else {
        errorKeys.add(flag);
      }
    }
    adders
        .computeIfAbsent(
            new Series(tag, "", Reason.ERROR, code == null ? "" : code.name()), s -> new LongAdder())
        .increment();
  }

  /** Visits every series. */
  public void forEach(BiConsumer<Series, LongAdder> visitor) {
    for (Map.Entry<Series, LongAdder> e : adders.entrySet()) {
      visitor.accept(e.getKey(), e.getValue());
    }
  }
}
