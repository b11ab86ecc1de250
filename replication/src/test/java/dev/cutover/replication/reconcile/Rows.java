package dev.cutover.replication.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.spi.SegmentedSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/** Rows and sources for the reconciliation tests. */
final class Rows {
    private Rows() {}

    static JsonNode payload(String name, long amount) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name);
        o.put("amount", amount);
        o.putObject("address").put("city", "Lyon").put("zip", "69001");
        o.putArray("tags").add("a").add("b");
        return o;
    }

    static Change live(String key, long version, String name) {
        return Change.upsert(key, version, payload(name, 10));
    }

    static InMemoryVersionedTarget store(Change... rows) {
        InMemoryVersionedTarget t = new InMemoryVersionedTarget(3, java.time.Clock.systemUTC());
        t.apply(List.of(rows));
        return t;
    }

    /**
     * A source that hands out all rows of another in a random order, in pages of random size, like
     * a scan without key order: the token is the offset into its shuffled list.
     */
    static SegmentedSource shuffled(InMemoryVersionedTarget source, long seed) {
        List<Change> rows = new ArrayList<>(source.all());
        Collections.shuffle(rows, new Random(seed));
        return new SegmentedSource() {
            @Override
            public int segments() {
                return 1;
            }

            @Override
            public Page readPage(int segment, @Nullable String token, int limit) {
                int from = token == null ? 0 : Integer.parseInt(token);
                int to = Math.min(rows.size(), from + 1 + new Random(seed + from).nextInt(limit));
                return new Page(rows.subList(from, to), to == rows.size() ? null : Integer.toString(to));
            }

            @Override
            public String describe() {
                return "shuffled " + source.describe();
            }
        };
    }

    /**
     * {@code source} read page by page only: a view that hides whether it {@linkplain
     * dev.cutover.replication.spi.SegmentScan scans}, so a reconciliation reads it as before scans.
     */
    static SegmentedSource pagesOnly(SegmentedSource source) {
        return new SegmentedSource() {
            @Override
            public int segments() {
                return source.segments();
            }

            @Override
            public String layout() {
                return source.layout();
            }

            @Override
            public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
                return source.readPage(segment, token, limit);
            }

            @Override
            public String describe() {
                return source.describe();
            }
        };
    }
}
