package dev.cutover.replication.sqs.internal;

import java.util.List;

/**
 * The receipt handles of one delivery: what {@code ack} deletes.
 *
 * @param handles one per delivered change, in no particular order
 */
public record Receipts(List<String> handles) {
    /** The receipt of an empty delivery. */
    public static final Receipts NONE = new Receipts(List.of());

    public Receipts {
        handles = List.copyOf(handles);
    }
}
