package dev.cutover.replication.spi;

import dev.cutover.replication.Reconciler;
import java.util.Optional;

/**
 * Where a {@linkplain Reconciler#split split reconciliation} keeps what each range found (its
 * bucket digests, its discrepancies), so that any process can merge them into one report: the
 * {@link CheckpointStore} holds who works on which range and which are done, this store the
 * results themselves, which are far larger than a checkpoint token.
 *
 * <pre>{@code
 * RangeResultStore results = JdbcRangeResultStore.builder(dataSource, "orders_nightly").build();
 * ReconciliationReport report = reconciler.split(checkpoints, results).ranges(16).run();
 * }</pre>
 *
 * <p><b>Contract for implementations.</b> A result is written once under an id that no other
 * result has (the claim id of the range's claim) and never changes; {@link #put} of an id already
 * stored leaves the stored result as it is. Results are text of up to a few megabytes. Thread-safe;
 * any number of processes may use the same store at once.
 *
 * @since 0.2.0
 */
public interface RangeResultStore {

    /** Creates whatever storage the results need, if missing. Safe to call from many processes at once. */
    void prepare() throws Exception;

    /** Stores {@code result} under {@code id}; an id already stored keeps its first result. */
    void put(String id, String result) throws Exception;

    /** The result stored under {@code id}, or empty. */
    Optional<String> get(String id) throws Exception;

    /** A short description for logs, without credentials. */
    String describe();
}
