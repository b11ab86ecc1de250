package dev.cutover.replication;

/**
 * What a {@link Mirror} has done since it was built: a consistent-enough snapshot of its counters
 * (each read once, not all at one instant).
 *
 * <pre>{@code
 * MirrorCounts counts = mirror.counts();
 * log.info("mirrored {} changes, {} applied, {} dropped", counts.mirrored(), counts.applied(), counts.dropped());
 * }</pre>
 *
 * <p>Every change handed to the queue ends as exactly one of applied, superseded, duplicate,
 * dropped or failed, or is still pending: {@code mirrored = applied + superseded + duplicate +
 * failed + pending} once the offers are over, with {@code dropped} counted apart (never queued).
 *
 * @param observed events seen by the observer (tap, subscriber, {@link Mirror#observe})
 * @param skipped events not mirrored because the gate flag was off
 * @param unmapped events the mapping threw on (or returned null for): no change, no key
 * @param mirrored changes queued for apply
 * @param applied changes the target wrote (newer than what it held)
 * @param superseded changes the target already held a newer version of
 * @param duplicate changes the target already held this very version of
 * @param dropped changes never queued: the queue stayed full, threw, or the mirror was closed
 * @param failed changes queued but not applied: refused or failing after every retry, or left in
 *     an in-process queue at close
 * @param pending changes queued and not yet settled
 * @param queueDepth changes waiting in the queue, -1 when the queue cannot tell
 * @since 0.1.0
 */
public record MirrorCounts(
        long observed,
        long skipped,
        long unmapped,
        long mirrored,
        long applied,
        long superseded,
        long duplicate,
        long dropped,
        long failed,
        long pending,
        long queueDepth) {}
