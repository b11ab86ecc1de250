package dev.cutover.examples.rekey;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.replication.Change;
import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Replays the shadow writes a table missed, from the dual-write journal: each entity is copied,
 * with its version, from the table that took the write to the one that missed it. Both tables only
 * take a newer version, so a repair never replaces a write made meanwhile.
 *
 * <p>The old table's misses (stage {@code LIVE}, where it is the shadow) are what matter before a
 * flip back: nothing else copies the new table to the old one. The new table's misses (stages
 * {@code DUAL_WRITE} and {@code SHADOW}) are also carried by the stream; repairing them is harmless.
 */
final class MissedWriteReplay {
    private final FailedWriteJournal journal;
    private final OldTable old;
    private final DynamoDbVersionedTarget target;
    private final KeyNormalizer keys;
    private final LongAdder repaired = new LongAdder();

    MissedWriteReplay(FailedWriteJournal journal, OldTable old, DynamoDbVersionedTarget target, KeyNormalizer keys) {
        this.journal = journal;
        this.old = old;
        this.target = target;
        this.keys = keys;
    }

    /** Repairs and resolves every pending entry. */
    void run() throws Exception {
        List<JournalEntry> page;
        while (!(page = journal.pending(0, 100)).isEmpty()) {
            List<Long> done = new ArrayList<>();
            for (JournalEntry entry : page) {
                String id = entry.write().entityKey();
                if (id != null) { // every write of Orders has a key
                    repair(id, entry.write().target());
                }
                done.add(entry.id());
            }
            journal.resolve(done);
            repaired.add(done.size());
        }
    }

    /** Entries repaired so far. */
    long repaired() {
        return repaired.sum();
    }

    private void repair(String id, FailedWrite.Target missed) throws Exception {
        if (missed == FailedWrite.Target.OLD) {
            Optional<Change> row = target.read(keys.normalize(id));
            try {
                if (row.isPresent() && row.get().isDelete()) {
                    old.delete(id, row.get().version());
                } else if (row.isPresent()) {
                    old.save(Order.fromJson(row.get().payload()));
                }
            } catch (ConditionalCheckFailedException newer) {
                // the old table holds this version or a newer one already
            }
        } else {
            Optional<Change> row = old.read(id); // an absent row: the stream carries its delete
            if (row.isPresent()) {
                target.apply(List.of(keys.normalize(row.get())));
            }
        }
    }
}
