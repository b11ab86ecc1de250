package dev.cutover.replication.dynamodb;

import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The change key of an old table's item: what the new store keys the entity by. It receives the
 * item from a scan, or a stream record's {@code Keys} (only the key attributes), so it should
 * read key attributes only. It may normalize (the old, dirty key in, the new key out); a key it
 * cannot make is refused by throwing, which the reader logs and counts, naming the raw key.
 *
 * <pre>{@code
 * ItemKey.attribute("orderId");
 * item -> Normalize.nfkc(item.get("orderId").s()).strip();
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ItemKey {

    /** The change key of {@code item}, 1 to 1024 characters. */
    String of(Map<String, AttributeValue> item);

    /** The value of a string or number attribute, as text. */
    static ItemKey attribute(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("key attribute name must not be empty");
        }
        return item -> {
            AttributeValue v = item.get(name);
            if (v == null || (v.s() == null && v.n() == null)) {
                throw new IllegalArgumentException("item has no string or number attribute '" + name + "'");
            }
            return v.s() != null ? v.s() : v.n();
        };
    }
}
