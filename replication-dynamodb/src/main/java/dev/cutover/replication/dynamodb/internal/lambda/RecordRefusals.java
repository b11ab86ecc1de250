package dev.cutover.replication.dynamodb.internal.lambda;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a refused record so that it is never lost silently: an ERROR line naming the sequence
 * number, the event, the raw key and the reason, and, with a journal, an entry that a repair (or
 * the next reconciliation, for a record without a change key) settles. The entry is appended on
 * the invocation's thread and counts only once the journal took it: a record whose entry the
 * journal could not take is not refused but failed, so that Lambda delivers it again.
 *
 * <p>Entry: repository the handler's name, method {@value #METHOD}, the change key (null when the
 * key mapping failed: a keyless entry, settled by a full reconciliation), target {@code NEW},
 * reason {@code FAILED}, the time of the old table's write ({@code ApproximateCreationDateTime},
 * else now), and a detail naming the record. A change key the journal cannot store (a JDBC journal
 * keeps 512 characters) is journaled keyless with the key in the detail.
 */
final class RecordRefusals {
    private static final Logger LOG = LoggerFactory.getLogger(RecordRefusals.class);
    /** The method of the journal entries. */
    static final String METHOD = "lambda";

    private final String name;
    private final @Nullable FailedWriteJournal journal;
    private final Clock clock;

    RecordRefusals(String name, @Nullable FailedWriteJournal journal, Clock clock) {
        this.name = name;
        this.journal = journal;
        this.clock = clock;
    }

    /**
     * Logs and journals {@code refused}.
     *
     * @return whether it is recorded for good (false: the journal failed, so the record must come again)
     */
    boolean record(RefusedRecord refused) {
        String sequence = String.valueOf(LambdaRecords.sequenceNumber(refused.record()));
        String detail = "stream record " + sequence + " (" + refused.record().getEventName() + ") with key "
                + LambdaRecords.rawKey(refused.record()) + " refused: " + refused.reason();
        if (journal == null) {
            LOG.error("{}: {}; no journal is set, so this line is its only record", name, detail);
            return true;
        }
        try {
            append(refused.key(), detail, at(refused));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.error(
                    "{}: {}; the journal did not take it ({}), so it is reported failed and comes again",
                    name,
                    detail,
                    e.toString());
            return false;
        }
        LOG.error("{}: {}; journaled for repair", name, detail);
        return true;
    }

    private void append(@Nullable String key, String detail, Instant at) throws Exception {
        FailedWriteJournal j = journal;
        if (j == null) {
            return;
        }
        try {
            j.append(new FailedWrite(name, METHOD, key, FailedWrite.Target.NEW, FailedWrite.Reason.FAILED, detail, at));
        } catch (IllegalArgumentException e) {
            if (key == null) {
                throw e;
            }
            // the journal cannot store this key: a keyless entry, settled by a full reconciliation
            j.append(new FailedWrite(
                    name,
                    METHOD,
                    null,
                    FailedWrite.Target.NEW,
                    FailedWrite.Reason.FAILED,
                    "change key '" + key + "': " + detail,
                    at));
        }
    }

    private Instant at(RefusedRecord refused) {
        Date written = refused.record().getDynamodb() == null
                ? null
                : refused.record().getDynamodb().getApproximateCreationDateTime();
        return written != null ? written.toInstant() : clock.instant();
    }
}
