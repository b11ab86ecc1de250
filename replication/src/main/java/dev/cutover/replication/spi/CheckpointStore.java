package dev.cutover.replication.spi;

import dev.cutover.replication.Backfill;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link Backfill} keeps, per segment of its source, who is copying it, where it got to and
 * whether it is done: so a killed backfill resumes where it stopped and several processes share the
 * segments without copying one twice at the same time.
 *
 * <pre>{@code
 * CheckpointStore checkpoints = JdbcCheckpointStore.builder(dataSource, "orders").build();
 * Backfill.from(source).to(target).checkpoints(checkpoints).owner("pod-7").build().run();
 * }</pre>
 *
 * <p><b>Contract for implementations.</b>
 *
 * <ul>
 *   <li>A segment is claimed by one owner at a time, with a lease. {@link #claim} succeeds, in one
 *       conditional write, only when the segment is not done and either unclaimed, or its lease has
 *       expired, or it is claimed by the same owner (a restarted process taking back its own
 *       segments). Every successful claim gets a new {@link CheckpointClaim#claimId()}, so an
 *       earlier claim of the same owner is fenced off as well.
 *   <li>{@link #save} and {@link #markDone} succeed only while the claim is the segment's current
 *       claim and its lease has not expired; otherwise they change nothing and return false, and
 *       the caller must stop copying that segment. {@link #save} renews the lease.
 *   <li>A done segment is never claimed again and its checkpoint never changes again.
 *   <li>The checkpoints belong to one split of the source into segments: the first {@link
 *       #prepare} records the segment count and the source's {@link SegmentedSource#layout()},
 *       and every later one with another count or layout is refused, changing nothing, also when
 *       several processes prepare at once for the first time (exactly one layout wins, and every
 *       preparer with another is refused). A segment done or begun under one layout may cover
 *       other keys under another, so resuming under another would skip rows.
 *   <li>Lease expiry is judged by the store's clock (for a shared store, keep the clocks of its
 *       users synchronized and the lease far longer than their skew).
 *   <li>Thread-safe; any number of processes may use the same store at once.
 * </ul>
 *
 * <p>The abstract test {@code CheckpointStoreContract} in this module's test sources checks this
 * against a model; an implementation's tests can extend it.
 *
 * @since 0.1.0
 */
public interface CheckpointStore {

    /**
     * Creates a not-yet-claimed checkpoint for each of segments {@code 0} to {@code segments - 1}
     * that is missing (and whatever storage they need), and records {@code layout} with them when
     * there were none. Safe to call from many processes at once. A {@link Backfill} calls it with its
     * source's {@link SegmentedSource#segments()} and {@link SegmentedSource#layout()} before it
     * copies anything.
     *
     * @throws IllegalStateException when the store already holds checkpoints with another number of
     *     segments or another layout (or another preparer recorded those first), naming both counts
     *     and both layouts and what to do: resume with the source split as before, or start over
     *     with new checkpoints
     * @throws IllegalArgumentException when {@code segments} is below 1, or {@code layout} is blank
     *     or longer than {@value SegmentedSource#MAX_LAYOUT_LENGTH} characters
     */
    void prepare(int segments, String layout) throws Exception;

    /**
     * The layout recorded by the first {@link #prepare}: how the source was split into segments when
     * the backfill started. Empty before.
     */
    Optional<String> layout() throws Exception;

    /**
     * Up to {@code limit} segments that {@code owner} may claim now (not done; unclaimed, lease
     * expired, or its own), lowest first. A hint: a claim may still lose a race.
     */
    List<Integer> claimable(String owner, int limit) throws Exception;

    /**
     * Claims {@code segment} for {@code owner} until the store's clock passes now plus {@code lease}.
     *
     * @return the claim with the segment's last saved token and row count, or empty when another
     *     owner holds a live lease or the segment is done
     */
    Optional<CheckpointClaim> claim(int segment, String owner, Duration lease) throws Exception;

    /**
     * Records that the segment was copied up to {@code token} ({@code rows} rows read so far) and
     * renews the lease by {@code lease} from now.
     *
     * @return false, changing nothing, when the claim is no longer current or its lease expired
     */
    boolean save(CheckpointClaim claim, String token, long rows, Duration lease) throws Exception;

    /**
     * Marks the segment done after {@code rows} rows. Returns false, changing nothing, when the claim
     * is no longer current or its lease expired.
     */
    boolean markDone(CheckpointClaim claim, long rows) throws Exception;

    /**
     * Ends the claim's lease at once, so another owner can take the segment over without waiting;
     * does nothing when the claim is no longer current.
     */
    void release(CheckpointClaim claim) throws Exception;

    /** Every segment's checkpoint, by segment number; empty before {@link #prepare}. */
    List<Checkpoint> checkpoints() throws Exception;

    /** A short description for logs, without credentials. */
    String describe();
}
