package dev.cutover.flags.internal;

import dev.cutover.flags.ClientStatistics;
import dev.cutover.flags.ErrorCode;
import dev.cutover.flags.Reason;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Evaluation counts by flag, variant, reason and error code, aggregated in {@link LongAdder}s that
 * the hot path increments without allocating or contending. The adders live here, not in a
 * snapshot, so counts survive refreshes; compiled flags hold direct references to theirs. A
 * metrics binder publishes them as function counters.
 */
final class EvaluationCounters {
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
    record Series(String flag, String variant, Reason reason, String errorCode) {}

    /** One series' adder, handed out as it is: the client holds it, so a binder may too. */
    private record Counter(Series series, LongAdder adder) implements ClientStatistics.EvaluationCounter {
        Counter(Series series) {
            this(series, new LongAdder());
        }

        @Override
        public String flag() {
            return series.flag();
        }

        @Override
        public String variant() {
            return series.variant();
        }

        @Override
        public Reason reason() {
            return series.reason();
        }

        @Override
        public String errorCode() {
            return series.errorCode();
        }

        @Override
        public long count() {
            return adder.sum();
        }
    }

    private final ConcurrentHashMap<Series, Counter> adders = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> unknown = new ConcurrentHashMap<>();
    private final java.util.Set<String> errorKeys = ConcurrentHashMap.newKeySet();

    /** The adder of a served variant. */
    public LongAdder served(String flag, String variant, Reason reason) {
        return adders.computeIfAbsent(new Series(flag, variant, reason, ""), Counter::new)
                .adder();
    }

    /**
     * Counts an evaluation of a key the snapshot does not have. Allocation-free once the key has been
     * seen; beyond {@link #MAX_UNKNOWN_KEYS} distinct keys, new ones share the {@link #OTHER_KEYS} series.
     */
    public void notFound(String flag) {
        LongAdder adder = unknown.get(flag);
        if (adder == null) {
            String tag = unknown.size() >= MAX_UNKNOWN_KEYS ? OTHER_KEYS : flag;
            adder = adders.computeIfAbsent(new Series(tag, "", Reason.FLAG_NOT_FOUND, ""), Counter::new)
                    .adder();
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
        adders.computeIfAbsent(new Series(tag, "", Reason.ERROR, code == null ? "" : code.name()), Counter::new)
                .adder()
                .increment();
    }

    /** Visits every series' counter. */
    void forEach(Consumer<ClientStatistics.EvaluationCounter> visitor) {
        for (Counter c : adders.values()) {
            visitor.accept(c);
        }
    }
}
