package dev.cutover.replication.postgres;

/**
 * How a captured change's version is taken from its place in PostgreSQL's write-ahead log: the
 * transaction's position in commit order, shifted left by {@value #POSITION_BITS} bits, plus the
 * change's position within its transaction.
 *
 * <pre>{@code
 * long version = LogVersion.of(0x16_B374D848L, 3);      // the 3rd change of that transaction
 * String where = LogVersion.lsnText(LogVersion.transactionLsnOf(version));   // "16/B374D848"
 * }</pre>
 *
 * <p><b>The transaction's position</b> is a log sequence number (LSN). PostgreSQL decodes
 * transactions in the order they committed, and each one's position is the LSN where the commit
 * record of the transaction decoded just before it ends (Debezium's {@code lsn_commit}, the
 * first element of {@code source.sequence}): every transaction decoded later has a greater one,
 * and every change of one transaction shares it. The first transaction a capture decodes after its
 * first start has the replication slot's position, which the capture creates and saves as its
 * first offset before it streams. <b>The change's position</b> counts the captured changes
 * of its transaction from 1 (Debezium's {@code transaction.total_order}).
 *
 * <p><b>Why versions increase per key.</b> The database's state is the result of its committed
 * transactions applied in commit order, each one's changes in their order: that is exactly the
 * order of the decoded log, and the order of (transaction position, change position). So the last
 * change of a key along the log is the key's state in the database, and the highest version wins
 * in the target. Versions strictly increase along the log, not only per key: within a transaction
 * the position grows by one per change; between transactions the next transaction's position is
 * greater by at least the size of a commit record (at least 32 bytes), so {@code 2^16} times
 * that is the room for one transaction's changes (over two million) before its versions could
 * reach the next one's. The capture checks every version against the one before it and stops, naming both,
 * rather than hand on a version that does not increase.
 *
 * <p><b>Across restarts</b> both parts come back from the stored offset (Debezium stores the last
 * commit position and the counts of the transaction in progress with it), so a change delivered
 * again after a restart carries the version it had the first time: the target answers {@code
 * DUPLICATE}.
 *
 * <p><b>Range.</b> LSNs up to {@link #MAX_LSN} (128 TiB of WAL written over the cluster's life)
 * are supported; a capture past it stops with an error naming the LSN.
 *
 * @since 0.2.0
 */
public final class LogVersion {
    /** Bits of the position within a transaction: 65,536 changes before the position carries. */
    public static final int POSITION_BITS = 16;

    /** The greatest transaction position (an LSN) a version can hold: {@code 2^47 - 1}. */
    public static final long MAX_LSN = (1L << (Long.SIZE - 1 - POSITION_BITS)) - 1;

    private LogVersion() {}

    /**
     * The version of the {@code position}-th change of the transaction at {@code transactionLsn}:
     * {@code (transactionLsn << 16) + position}.
     *
     * @throws IllegalArgumentException naming the value when {@code transactionLsn} is not between
     *     1 and {@link #MAX_LSN}, {@code position} is below 1, or the sum passes {@link
     *     Long#MAX_VALUE}
     */
    public static long of(long transactionLsn, long position) {
        if (transactionLsn < 1 || transactionLsn > MAX_LSN) {
            throw new IllegalArgumentException("transaction LSN must be between 1 and " + MAX_LSN + " ("
                    + lsnText(MAX_LSN) + ") but was " + transactionLsn + " (" + lsnText(transactionLsn) + ")");
        }
        if (position < 1) {
            throw new IllegalArgumentException("position within the transaction must be >= 1 but was " + position);
        }
        long base = transactionLsn << POSITION_BITS;
        if (position > Long.MAX_VALUE - base) {
            throw new IllegalArgumentException("position " + position + " within the transaction at "
                    + lsnText(transactionLsn) + " does not fit in a version");
        }
        return base + position;
    }

    /** The transaction position of a version made by {@link #of} (exact while its position was below 65,536). */
    public static long transactionLsnOf(long version) {
        return version >>> POSITION_BITS;
    }

    /** An LSN as PostgreSQL prints it: two hexadecimal halves, {@code 16/B374D848}. */
    public static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase(java.util.Locale.ROOT);
    }
}
