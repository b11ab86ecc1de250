package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.testsupport.FreshTables;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link JdbcSource} on a real store (a subclass per store): segments partition the rows whatever
 * the keys, segment count and page size; versions read or stamped; bad rows rejected by key;
 * tokens checked.
 */
abstract class JdbcSourceChecks {
    private static final AtomicInteger TABLES = new AtomicInteger();

    abstract FreshTables tables();

    /** A new table {@code name} with the given text keys; rev = 1 + index; a NULL rev where asked. */
    String textTable(List<String> keys, Set<Integer> nullVersions) throws SQLException {
        String name = "src_" + TABLES.incrementAndGet();
        tables().execute("CREATE TABLE " + name
                + " (id VARCHAR(100) NOT NULL PRIMARY KEY, name VARCHAR(100), rev BIGINT,"
                + " score DECIMAL(10,2), active BOOLEAN)");
        insert(name, keys, nullVersions);
        return name;
    }

    void insert(String table, List<String> keys, Set<Integer> nullVersions) throws SQLException {
        try (Connection c = tables().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + table + " (id, name, rev, score, active) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < keys.size(); i++) {
                ps.setObject(1, keys.get(i));
                ps.setString(2, "n" + i);
                if (nullVersions.contains(i)) {
                    ps.setNull(3, Types.BIGINT);
                } else {
                    ps.setLong(3, 1 + i);
                }
                ps.setBigDecimal(4, new BigDecimal(i + ".25"));
                ps.setBoolean(5, i % 2 == 0);
                ps.addBatch();
            }
            if (!keys.isEmpty()) {
                ps.executeBatch();
            }
        }
    }

    static Map<String, Change> readAll(SegmentedSource source, int limit) throws Exception {
        Map<String, Change> seen = new HashMap<>();
        for (int s = 0; s < source.segments(); s++) {
            String token = null;
            do {
                Page page = source.readPage(s, token, limit);
                assertThat(page.rows().size()).isLessThanOrEqualTo(limit);
                for (Change c : page.rows()) {
                    assertThat(seen.put(c.key(), c))
                            .as("key %s read twice", c.key())
                            .isNull();
                }
                token = page.next();
            } while (token != null);
        }
        return seen;
    }

    /** Segments partition the rows: every row read exactly once, whatever the split and page size. */
    @Property(tries = 12)
    void segmentsPartitionTheRows(
            @ForAll("keySets") List<String> keys,
            @ForAll @IntRange(min = 1, max = 9) int segments,
            @ForAll @IntRange(min = 1, max = 6) int limit)
            throws Exception {
        String table = textTable(keys, Set.of());
        JdbcSource source = JdbcSource.builder(tables().dataSource())
                .table(table)
                .keyColumn("id")
                .versionColumn("rev")
                .segments(segments)
                .build();
        assertThat(source.segments()).isBetween(1, segments);
        Map<String, Change> seen = readAll(source, limit);
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(keys);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(seen.get(keys.get(i)).version()).isEqualTo(1 + i);
        }
    }

    @Provide
    Arbitrary<List<String>> keySets() {
        // mixed case, spaces and accents: the database's collation orders them, not Java's
        Arbitrary<String> key = Arbitraries.strings()
                .withChars("aBcDé z-0_9")
                .ofMinLength(1)
                .ofMaxLength(6)
                .map(String::strip)
                .filter(k -> !k.isEmpty());
        return key.list().ofMaxSize(40).map(list -> {
            // distinct under a case- and accent-insensitive, space-padding collation too
            Set<String> folded = new LinkedHashSet<>();
            List<String> out = new ArrayList<>();
            for (String k : list) {
                if (folded.add(k.toLowerCase(Locale.ROOT).replace('é', 'e'))) {
                    out.add(k);
                }
            }
            return out;
        });
    }

    @Example
    void integerKeysAndAllColumnsPayload() throws Exception {
        String name = "src_int_" + TABLES.incrementAndGet();
        tables().execute("CREATE TABLE " + name + " (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(100), rev BIGINT,"
                + " score DECIMAL(10,2), active BOOLEAN)");
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i < 50; i++) {
            ids.add(i * 37 - 400);
        }
        try (Connection c = tables().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + name + " (id, name, rev, score, active) VALUES (?, ?, ?, ?, ?)")) {
            for (long id : ids) {
                ps.setLong(1, id);
                ps.setString(2, "name " + id);
                ps.setLong(3, 7);
                ps.setBigDecimal(4, new BigDecimal("1.50"));
                ps.setBoolean(5, true);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        JdbcSource source = JdbcSource.builder(tables().dataSource())
                .table(name)
                .keyColumn("id")
                .versionColumn("rev")
                .segments(4)
                .build();
        assertThat(source.segments()).isEqualTo(4);
        assertThat(source.boundaries()).allMatch(b -> b.matches("-?[0-9]+"));
        Map<String, Change> all = readAll(source, 7);
        assertThat(all.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        ids.stream().map(String::valueOf).toList());
        JsonNode p = all.get("-400").payload();
        assertThat(field(p, "id").longValue()).isEqualTo(-400);
        assertThat(field(p, "name").textValue()).isEqualTo("name -400");
        assertThat(field(p, "score").decimalValue()).isEqualByComparingTo("1.50");
        assertThat(field(p, "active").booleanValue()).isTrue();
    }

    private static JsonNode field(JsonNode payload, String name) {
        JsonNode v = payload.get(name);
        return v != null ? v : payload.get(name.toUpperCase(Locale.ROOT));
    }

    @Example
    void rowsWithoutAVersionAreRejectedByKeyAndTheReadGoesOn() throws Exception {
        String table = textTable(List.of("a", "b", "c", "d", "e"), Set.of(1, 3));
        List<JdbcSource.Rejection> rejections = new CopyOnWriteArrayList<>();
        JdbcSource source = JdbcSource.builder(tables().dataSource())
                .table(table)
                .keyColumn("id")
                .versionColumn("rev")
                .segments(1)
                .onRejection(rejections::add)
                .build();
        Map<String, Change> all = readAll(source, 2);
        assertThat(all.keySet()).containsExactlyInAnyOrder("a", "c", "e");
        assertThat(rejections).extracting(JdbcSource.Rejection::key).containsExactly("b", "d");
        assertThat(rejections.get(0).reason()).contains("rev").contains("NULL");
        assertThat(source.rejectedCount()).isEqualTo(2);
    }

    @Example
    void withoutAVersionColumnRowsAreStampedAtReadTime() throws Exception {
        String table = textTable(List.of("a", "b", "c"), Set.of());
        HybridLogicalClock clock = new HybridLogicalClock();
        long before = clock.next();
        JdbcSource source = JdbcSource.builder(tables().dataSource())
                .table(table)
                .keyColumn("id")
                .stampWith(clock)
                .segments(1)
                .build();
        List<Change> rows = source.readPage(0, null, 10).rows();
        assertThat(rows).hasSize(3).allMatch(c -> c.version() > before);
        assertThat(rows.stream().map(Change::version).distinct()).hasSize(3);
    }

    @Example
    void aQueryIsASourceAndBoundariesAreShared() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            keys.add(String.format("q%03d", i));
        }
        String table = textTable(keys, Set.of());
        JdbcSource first = JdbcSource.builder(tables().dataSource())
                .query("SELECT id AS k, name, rev FROM " + table + " WHERE active = TRUE")
                .keyColumn("k")
                .versionColumn("rev")
                .segments(3)
                .build();
        assertThat(readAll(first, 4).keySet()).hasSize(15).allMatch(k -> Integer.parseInt(k.substring(1)) % 2 == 0);
        JdbcSource second = JdbcSource.builder(tables().dataSource())
                .query("SELECT id AS k, name, rev FROM " + table + " WHERE active = TRUE")
                .keyColumn("k")
                .versionColumn("rev")
                .boundaries(first.boundaries())
                .build();
        Page page = first.readPage(1, null, 2);
        assertThat(second.readPage(1, page.next(), 2)).isEqualTo(first.readPage(1, page.next(), 2));
        assertThatThrownBy(() -> second.readPage(2, page.next(), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 2");
        JdbcSource other = JdbcSource.builder(tables().dataSource())
                .table(table)
                .keyColumn("id")
                .versionColumn("rev")
                .segments(3)
                .build();
        assertThatThrownBy(() -> other.readPage(1, page.next(), 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> first.readPage(1, "garbage", 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void theLayoutIsADigestOfTheBoundariesAndMovesWithThem() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add(String.format("order-%03d", 100 + i));
        }
        String table = textTable(keys, Set.of());
        JdbcSource first = JdbcSource.builder(tables().dataSource())
                .table(table)
                .keyColumn("id")
                .versionColumn("rev")
                .segments(4)
                .build();
        assertThat(first.layout()).matches("jdbc key ranges, 4 segments, boundaries sha-256 [0-9a-f]{16}");
        JdbcSource kept = JdbcSource.builder(tables().dataSource())
                .query("SELECT id AS k, rev FROM " + table)
                .keyColumn("k")
                .stampWith(new HybridLogicalClock())
                .boundaries(first.boundaries())
                .build();
        assertThat(kept.layout()).as("the same boundaries over a query").isEqualTo(first.layout());

        List<String> below = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            below.add(String.format("order-%03d", 10 + i));
        }
        insert(table, below, Set.of());
        JdbcSource recomputed = JdbcSource.builder(tables().dataSource())
                .table(table)
                .keyColumn("id")
                .versionColumn("rev")
                .segments(4)
                .build();
        assertThat(recomputed.boundaries()).isNotEqualTo(first.boundaries());
        assertThat(recomputed.segments()).isEqualTo(first.segments());
        assertThat(recomputed.layout()).isNotEqualTo(first.layout()).startsWith("jdbc key ranges, 4 segments, ");
        JdbcSource whole = JdbcSource.builder(tables().dataSource())
                .table(table)
                .keyColumn("id")
                .versionColumn("rev")
                .segments(1)
                .build();
        assertThat(whole.layout()).matches("jdbc key ranges, 1 segments, boundaries sha-256 [0-9a-f]{16}");
    }

    @Example
    void nullKeysAreCountedAndUnsupportedKeyTypesRefused() throws Exception {
        String name = "src_nulls_" + TABLES.incrementAndGet();
        tables().execute("CREATE TABLE " + name + " (id VARCHAR(20), rev BIGINT, born DATE)");
        tables().execute("INSERT INTO " + name
                + " (id, rev, born) VALUES ('a', 1, DATE '2020-01-01'), (NULL, 2, DATE '2020-01-02')");
        JdbcSource source = JdbcSource.builder(tables().dataSource())
                .table(name)
                .keyColumn("id")
                .versionColumn("rev")
                .build();
        assertThat(source.nullKeyRows()).isEqualTo(1);
        assertThat(readAll(source, 5).keySet()).containsExactly("a");
        assertThatThrownBy(() -> JdbcSource.builder(tables().dataSource())
                        .table(name)
                        .keyColumn("born")
                        .versionColumn("rev")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("born");
    }

    @Example
    void badSettingsAreRejectedNamingTheValue() {
        JdbcSource.Builder b = JdbcSource.builder(tables().dataSource());
        assertThatThrownBy(() -> b.table("users; DROP TABLE x")).hasMessageContaining("'users; DROP TABLE x'");
        assertThatThrownBy(() -> b.keyColumn("a b")).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> b.query("DELETE FROM x")).hasMessageContaining("'DELETE FROM x'");
        assertThatThrownBy(() -> b.segments(0)).hasMessageContaining("but was 0");
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class);
    }
}
