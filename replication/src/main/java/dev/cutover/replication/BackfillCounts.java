package dev.cutover.replication;

/**
 * What one backfill process did with the rows it read, counted from the start of a run. Every row
 * read ends as exactly one of applied, superseded, duplicate, rejected or collision, so {@code
 * read == applied + superseded + duplicate + rejected + collisions} once a run has ended (a run
 * that failed mid-page may have read rows it never got to).
 *
 * <pre>{@code
 * BackfillCounts c = backfill.run().counts();
 * log.info("copied {} rows, {} already newer in the target", c.applied(), c.superseded());
 * }</pre>
 *
 * @param read rows read from the source
 * @param applied rows the target took: it held an older version of the key, or none
 * @param superseded rows the target already held a newer version of (a live write or delete won)
 * @param duplicate rows the target already held at this very version (copied before)
 * @param rejected rows not applied because the source could not read them (a NULL, zero or negative
 *     version, an unreadable key or payload, a malformed line) or the transform or the key
 *     normalizer rejected them, each reported with its key ({@link BackfillResult#rejections()})
 * @param collisions rows whose new key another old key already maps to, each reported, not applied
 * @param leasesLost segments this process stopped copying because its lease was taken over
 * @param segmentsCopied segments this process copied to their end
 * @since 0.1.0
 */
public record BackfillCounts(
        long read,
        long applied,
        long superseded,
        long duplicate,
        long rejected,
        long collisions,
        long leasesLost,
        long segmentsCopied) {

    /** All zero. */
    public static final BackfillCounts ZERO = new BackfillCounts(0, 0, 0, 0, 0, 0, 0, 0);

    /** The difference of two snapshots of the same counters: what happened in between. */
    public BackfillCounts minus(BackfillCounts earlier) {
        return new BackfillCounts(
                read - earlier.read,
                applied - earlier.applied,
                superseded - earlier.superseded,
                duplicate - earlier.duplicate,
                rejected - earlier.rejected,
                collisions - earlier.collisions,
                leasesLost - earlier.leasesLost,
                segmentsCopied - earlier.segmentsCopied);
    }
}
