package dev.cutover.replication.dynamodb;

import dev.cutover.replication.HybridLogicalClock;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The version of an old table's item, as a scan reads it or a stream record carries it, and the
 * version of its deletion.
 *
 * <p><b>Choosing one.</b> {@link #attribute} is the one that makes replication exact: the old
 * table's items carry a number that grows with every write of a key (an optimistic-locking
 * counter, or an update time in epoch milliseconds that the writers keep strictly increasing per
 * key) and that never restarts when a deleted key is created again. Then every path, the stream,
 * the scan and any number of processes, gives each state of a key the same version, so a
 * redelivered record is absorbed as a duplicate and nothing depends on clocks.
 *
 * <p>{@link #stamped} is for tables without such a number: each item or record is stamped by a
 * {@link HybridLogicalClock} when read. A stream reader delivers a key's records in the order the
 * table wrote them (a key lives in one shard at a time, and a child shard is read only after its
 * parent), so stamps grow per key in write order, and the last record of a key carries its
 * current state. What is weaker: a record delivered again after a restart gets a new stamp and is
 * applied again (the replay re-applies the key's later records too, so the target ends on the
 * current state, after briefly holding an older one); and a scan stamp is only comparable with a
 * stream stamp when one clock stamps both (one process, one {@code HybridLogicalClock} instance)
 * and the stream reader started before the scan, so that every write after a scan read arrives
 * later and is stamped higher. A stream record's own sequence number is not a version: DynamoDB
 * orders sequence numbers only within a shard, and {@code ApproximateCreationDateTime} has whole
 * seconds, which cannot order two writes of a key in one second.
 *
 * @since 0.1.0
 */
public interface ItemVersion {

    /** The version of a live item (a scanned item, or a stream record's new image). */
    long of(Map<String, AttributeValue> item);

    /** The version of the deletion of the item whose last image was {@code oldImage}. */
    long ofDeletion(Map<String, AttributeValue> oldImage);

    /** Whether {@link #ofDeletion} needs the old image (a stream with old images). */
    boolean needsOldImage();

    /**
     * The version in a number attribute; a deletion is the deleted image's version plus one, so a
     * re-created key must carry on from there (an update time in milliseconds does).
     */
    static ItemVersion attribute(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("version attribute name must not be empty");
        }
        return new ItemVersion() {
            @Override
            public long of(Map<String, AttributeValue> item) {
                AttributeValue v = item.get(name);
                if (v == null || v.n() == null) {
                    throw new IllegalArgumentException("item has no number attribute '" + name + "'");
                }
                long version;
                try {
                    version = Long.parseLong(v.n());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "attribute '" + name + "' must be a whole number but was " + v.n(), e);
                }
                if (version < 1 || version == Long.MAX_VALUE) {
                    throw new IllegalArgumentException(
                            "attribute '" + name + "' must be 1 to 2^63-2 but was " + version);
                }
                return version;
            }

            @Override
            public long ofDeletion(Map<String, AttributeValue> oldImage) {
                return of(oldImage) + 1;
            }

            @Override
            public boolean needsOldImage() {
                return true;
            }

            @Override
            public String toString() {
                return "attribute " + name;
            }
        };
    }

    /** Stamps from {@code clock} at read time; see the class comment for what that guarantees. */
    static ItemVersion stamped(HybridLogicalClock clock) {
        Objects.requireNonNull(clock, "clock");
        return new ItemVersion() {
            @Override
            public long of(Map<String, AttributeValue> item) {
                return clock.next();
            }

            @Override
            public long ofDeletion(Map<String, AttributeValue> oldImage) {
                return clock.next();
            }

            @Override
            public boolean needsOldImage() {
                return false;
            }

            @Override
            public String toString() {
                return "stamped by a hybrid logical clock";
            }
        };
    }
}
