package dev.cutover.examples.rekey;

import dev.cutover.replication.Change;
import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.dynamodb.DynamoDbJson;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import java.util.List;
import java.util.Optional;

/**
 * The new {@link Orders} implementation: the new table, keyed by the normalized id, written only
 * through the versioned apply. The services' own writes (from the dual-write proxy) and the
 * stream's copies of the old table's writes therefore meet safely: whichever of two copies of one
 * version lands second is a duplicate, and an older version never replaces a newer one.
 *
 * <p>The payload is the old item as plain JSON, exactly what the stream reader and the dump make
 * of it, so every path gives one version of an order the same content.
 */
final class NewTable implements Orders {
    private final DynamoDbVersionedTarget target;
    private final KeyNormalizer keys;

    NewTable(DynamoDbVersionedTarget target, KeyNormalizer keys) {
        this.target = target;
        this.keys = keys;
    }

    @Override
    public Optional<Order> find(String id) {
        return target.read(keys.normalize(id)).filter(row -> !row.isDelete()).map(row -> Order.fromJson(row.payload()));
    }

    @Override
    public void save(Order order) {
        apply(Change.upsert(keys.normalize(order.id()), order.version(), DynamoDbJson.toJson(order.toItem())));
    }

    @Override
    public void delete(String id, long version) {
        apply(Change.delete(keys.normalize(id), version));
    }

    private void apply(Change change) {
        try {
            target.apply(List.of(change)); // APPLIED, DUPLICATE or SUPERSEDED: each leaves the newest version
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the proxy interrupts a shadow write past its budget
            throw new IllegalStateException("interrupted while writing " + change.key() + " to the new table", e);
        }
    }
}
