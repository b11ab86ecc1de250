package dev.cutover.replication.sqs.internal;

import dev.cutover.replication.Change;

/**
 * An accepted change on its way to SQS: its encoded body and the send attempt it waits for. Compared
 * by identity: the same change offered twice is two messages.
 *
 * @param change the change
 * @param body its message body
 * @param bytes the body's size in UTF-8
 * @param attempt the attempt this send will be, from 1
 * @param offer the offer's own deduplication id on a FIFO queue, the same for every attempt
 */
record Outgoing(Change change, String body, long bytes, int attempt, String offer) {
    Outgoing next() {
        return new Outgoing(change, body, bytes, attempt + 1, offer);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
