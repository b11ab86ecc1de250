package dev.cutover.journal;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A shadow write that did not succeed: which store missed it, for which entity, and why. It holds
 * no arguments or entity data, only what reconciliation needs to repair exactly that key from the
 * authoritative store.
 *
 * <pre>{@code
 * FailedWrite missed = new FailedWrite("OrderRepository", "save", "order-42",
 *     FailedWrite.Target.NEW, FailedWrite.Reason.FAILED, e.toString(), Instant.now());
 * long id = journal.append(missed);
 * }</pre>
 *
 * <p>Journals store identifying fields unaltered or reject them: see {@link FailedWriteJournal}
 * and the limits of {@link JdbcFailedWriteJournal} (entity keys up to
 * {@value JdbcFailedWriteJournal#MAX_ENTITY_KEY_LENGTH} characters).
 *
 * @param repository the repository interface's simple name, for example {@code OrderRepository}
 * @param method the method called, for example {@code save}
 * @param entityKey the entity key of the call, or null when it has none (repair then needs a full
 *     reconciliation)
 * @param target the store that missed the write
 * @param reason why it was missed
 * @param detail the exception or the circumstance, one line, never entity data
 * @param at when the authoritative write returned
 * @since 0.1.0
 */
public record FailedWrite(
        String repository,
        String method,
        @Nullable String entityKey,
        Target target,
        Reason reason,
        String detail,
        Instant at) {

    /**
     * Which store missed the write.
     *
     * @since 0.1.0
     */
    public enum Target {
        /** The old store (stages LIVE and RAMP_DOWN, where the new store is authoritative). */
        OLD,
        /** The new store (stages DUAL_WRITE and SHADOW). */
        NEW
    }

    /**
     * Why a shadow write did not succeed.
     *
     * @since 0.1.0
     */
    public enum Reason {
        /** The shadow store threw. */
        FAILED,
        /** The shadow call ran past its time budget (it may still have landed). */
        TIMED_OUT,
        /** The shadow queue was full, so the write was never attempted. */
        SHED,
        /** The shadow store's circuit breaker was open, so the write was never attempted. */
        CIRCUIT_OPEN,
        /** The proxy was closed before the write ran. */
        CANCELLED
    }

    /**
     * Checks that every field but {@code entityKey} is present.
     *
     * @throws NullPointerException naming the missing field
     */
    public FailedWrite {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(at, "at");
    }
}
