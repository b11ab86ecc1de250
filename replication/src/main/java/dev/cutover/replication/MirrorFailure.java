package dev.cutover.replication;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change a {@link Mirror} did not apply: dropped at a full queue, refused after the mirror
 * closed, failed after every retry, or an event the mapping could not turn into changes. Each one
 * goes to the mirror's failure listener and journal, so that a repair can start from exactly
 * these keys; nothing is lost silently.
 *
 * <pre>{@code
 * Mirror.to(newStore).mapping(OrderEvents::toChanges)
 *     .onFailure(f -> log.error("not mirrored: {} {} ({})", f.key(), f.reason(), f.detail()))
 *     .build();
 * }</pre>
 *
 * @param key the change's key in the target's key space; null only for {@link
 *     Reason#MAPPING_FAILED}, where no change exists (a full reconciliation covers it)
 * @param version the change's version; 0 for {@link Reason#MAPPING_FAILED}
 * @param reason why the change was not applied
 * @param detail one line: the circumstance or the exception's type, never entity data
 * @param at when it was recorded
 * @since 0.1.0
 */
public record MirrorFailure(@Nullable String key, long version, Reason reason, String detail, Instant at) {

    /**
     * Why a change was not applied.
     *
     * @since 0.1.0
     */
    public enum Reason {
        /** The queue stayed full for the whole {@code maxBlock}: backpressure gave up. */
        DROPPED_QUEUE_FULL,
        /** The queue threw when offered the change. */
        DROPPED_QUEUE_ERROR,
        /** The mirror was closed (or closing) before the change was applied. */
        CLOSED,
        /** The target refused or failed every attempt to apply the change. */
        APPLY_FAILED,
        /** The mapping threw for an event, so there is no change and no key. */
        MAPPING_FAILED
    }

    public MirrorFailure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(at, "at");
    }
}
