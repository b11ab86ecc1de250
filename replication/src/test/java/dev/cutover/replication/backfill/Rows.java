package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.spi.SegmentedSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Source rows for the tests: generators, an in-memory old store holding them, and the equality check. */
final class Rows {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Rows() {}

    static JsonNode payload(String key, long version) {
        ObjectNode o = JSON.objectNode();
        o.put("id", key);
        o.put("rev", version);
        o.putArray("tags").add("t" + (version % 3));
        return o;
    }

    static Change row(String key, long version) {
        return Change.upsert(key, version, payload(key, version));
    }

    /** {@code n} upserts keyed {@code prefix + i}, versions {@code firstVersion + i}. */
    static List<Change> numbered(String prefix, int n, long firstVersion) {
        List<Change> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(row(prefix + i, firstVersion + i));
        }
        return rows;
    }

    /**
     * 0 to {@code maxRows} rows with distinct keys (some non-ASCII), versions 1 to 1,000,000 and
     * about one tombstone in seven.
     */
    static Arbitrary<List<Change>> rows(int maxRows) {
        Arbitrary<Long> version = Arbitraries.longs().between(1, 1_000_000);
        Arbitrary<Boolean> tombstone = Arbitraries.integers().between(0, 6).map(i -> i == 0);
        return Combinators.combine(version, tombstone)
                .as((v, t) -> new long[] {v, t ? 1 : 0})
                .list()
                .ofMinSize(0)
                .ofMaxSize(maxRows)
                .map(specs -> {
                    List<Change> out = new ArrayList<>();
                    for (int i = 0; i < specs.size(); i++) {
                        String key = (i % 5 == 0 ? "clé-" : "key-") + i;
                        long[] s = specs.get(i);
                        out.add(s[1] == 1 ? Change.delete(key, s[0]) : row(key, s[0]));
                    }
                    return out;
                });
    }

    /** An old store of {@code segments} segments holding {@code rows}. */
    static InMemoryVersionedTarget source(int segments, List<Change> rows) throws Exception {
        InMemoryVersionedTarget source = new InMemoryVersionedTarget(segments, Clock.systemUTC());
        if (!rows.isEmpty()) {
            source.apply(rows);
        }
        return source;
    }

    /** Every row of a source, read segment by segment. */
    static List<Change> readAll(SegmentedSource source) throws Exception {
        List<Change> all = new ArrayList<>();
        for (int segment = 0; segment < source.segments(); segment++) {
            String token = null;
            do {
                SegmentedSource.Page page = source.readPage(segment, token, 100);
                all.addAll(page.rows());
                token = page.next();
            } while (token != null);
        }
        return all;
    }

    /** The target holds exactly the source's rows: same keys, versions, kinds and payloads. */
    static void assertSameRows(InMemoryVersionedTarget target, InMemoryVersionedTarget source) {
        // Change equality covers key, version, kind and the payload tree
        assertThat(target.all()).as("target rows").containsExactlyElementsOf(source.all());
    }
}
