package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.BackfillRejection;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.ndjson.NdjsonSource;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Nothing unrecorded, for rows a source rejects: over any mix of good and bad rows, any segment
 * count and any page size, a backfill reads every row once and each ends applied or rejected
 * ({@code applied + rejected == read == rows}), the rejected ones listed exactly, and a
 * reconciliation reports exactly the bad rows as rejected and is clean only when there are none.
 * A JDBC table on H2 (version 0, negative or NULL, a payload that is not JSON) and an NDJSON dump
 * (lines that are not JSON or not objects, versions below 1 or missing).
 */
class SourceRejectionProperties {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.H2, "rejection_properties");
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final JdbcRowMapper DOC =
            rs -> JdbcPayloadColumns.json("doc", JSON).read(rs, rs.findColumn("doc"));

    /** What a row of the old store is. */
    enum Kind {
        GOOD,
        VERSION_ZERO,
        VERSION_NEGATIVE,
        VERSION_NULL,
        PAYLOAD_NOT_JSON,
        LINE_NOT_AN_OBJECT
    }

    @Provide
    Arbitrary<List<Kind>> tableRows() {
        return Arbitraries.of(
                        Kind.GOOD,
                        Kind.GOOD,
                        Kind.VERSION_ZERO,
                        Kind.VERSION_NEGATIVE,
                        Kind.VERSION_NULL,
                        Kind.PAYLOAD_NOT_JSON)
                .list()
                .ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Kind>> dumpLines() {
        return Arbitraries.of(Kind.values()).list().ofMaxSize(60);
    }

    @Property(tries = 25)
    void everyRowOfATableIsAppliedOrRejectedAndReported(
            @ForAll("tableRows") List<Kind> rows,
            @ForAll @IntRange(min = 1, max = 4) int segments,
            @ForAll @IntRange(min = 1, max = 7) int batchSize)
            throws Exception {
        String table = "prop_" + NAMES.incrementAndGet();
        TABLES.execute(
                "CREATE TABLE " + table + " (id VARCHAR(20) NOT NULL PRIMARY KEY, rev BIGINT, doc VARCHAR(100))");
        try (Connection c = TABLES.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO " + table + " (id, rev, doc) VALUES (?, ?, ?)")) {
            for (int i = 0; i < rows.size(); i++) {
                Kind kind = rows.get(i);
                ps.setString(1, key(i));
                switch (kind) {
                    case VERSION_ZERO -> ps.setLong(2, 0);
                    case VERSION_NEGATIVE -> ps.setLong(2, -1 - i);
                    case VERSION_NULL -> ps.setNull(2, Types.BIGINT);
                    default -> ps.setLong(2, 1 + i);
                }
                ps.setString(3, kind == Kind.PAYLOAD_NOT_JSON ? "{\"i\": " : "{\"i\": " + i + "}");
                ps.executeUpdate();
            }
        }
        JdbcSource source = JdbcSource.builder(TABLES.dataSource())
                .table(table)
                .keyColumn("id")
                .versionColumn("rev")
                .rowMapper(DOC)
                .segments(segments)
                .build();
        JdbcVersionedTarget target = FreshTargets.on(TABLES, b -> b.segments(2));
        try {
            check(rows, source, target, batchSize, true);
        } finally {
            TABLES.execute("DROP TABLE " + table);
        }
    }

    @Property(tries = 60)
    void everyLineOfADumpIsAppliedOrRejectedAndReported(
            @ForAll("dumpLines") List<Kind> lines,
            @ForAll @IntRange(min = 1, max = 5) int segments,
            @ForAll @IntRange(min = 1, max = 7) int batchSize)
            throws Exception {
        Path file = Files.createTempFile("rejections", ".ndjson");
        try {
            StringBuilder dump = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                dump.append(
                                switch (lines.get(i)) {
                                    case GOOD -> "{\"id\": \"" + key(i) + "\", \"rev\": " + (1 + i) + "}";
                                    case VERSION_ZERO -> "{\"id\": \"" + key(i) + "\", \"rev\": 0}";
                                    case VERSION_NEGATIVE -> "{\"id\": \"" + key(i) + "\", \"rev\": " + (-1 - i) + "}";
                                    case VERSION_NULL -> "{\"id\": \"" + key(i) + "\", \"rev\": null}";
                                    case PAYLOAD_NOT_JSON -> "{\"id\": \"" + key(i) + "\", \"rev\": ";
                                    case LINE_NOT_AN_OBJECT -> "[\"" + key(i) + "\"]";
                                })
                        .append('\n');
            }
            Files.writeString(file, dump, StandardCharsets.UTF_8);
            NdjsonSource source = NdjsonSource.builder(file)
                    .keyField("id")
                    .versionField("rev")
                    .segments(segments)
                    .build();
            check(lines, source, new InMemoryVersionedTarget(), batchSize, false);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Backfills {@code source} into the empty {@code target}, then reconciles them. {@code keyed}:
     * every rejected row has its key (a dump's unparseable lines have none).
     */
    private static void check(
            List<Kind> rows, SegmentedSource source, VersionedTarget target, int batchSize, boolean keyed)
            throws Exception {
        Set<String> good = new HashSet<>();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            (rows.get(i) == Kind.GOOD ? good : bad).add(key(i));
        }
        BackfillResult result = Backfill.from(source)
                .to(target)
                .name("prop")
                .batchSize(batchSize)
                .build()
                .run();
        BackfillCounts c = result.counts();
        assertThat(c.read()).isEqualTo(rows.size());
        assertThat(c.applied()).isEqualTo(good.size());
        assertThat(c.rejected()).isEqualTo(bad.size());
        assertThat(c.applied() + c.rejected()).isEqualTo(c.read());
        assertThat(result.rejections())
                .hasSize(bad.size())
                .allSatisfy(r -> assertThat(r.step()).isEqualTo(BackfillRejection.Step.SOURCE));
        if (keyed) {
            assertThat(result.rejections()).extracting(BackfillRejection::key).containsExactlyInAnyOrderElementsOf(bad);
        } else {
            // every line is named: by its key where one was read, always by its line number
            assertThat(result.rejections())
                    .extracting(BackfillRejection::reason)
                    .allSatisfy(reason -> assertThat(reason).matches("line [0-9]+ \\(byte [0-9]+\\): .+"));
            Set<Integer> lineNumbers = new HashSet<>();
            result.rejections()
                    .forEach(r -> lineNumbers.add(Integer.parseInt(r.reason().split(" ")[1])));
            Set<Integer> badLines = new HashSet<>();
            bad.forEach(k -> badLines.add(Integer.parseInt(k.substring(1)) + 1));
            assertThat(lineNumbers).isEqualTo(badLines);
        }
        for (String k : good) {
            assertThat(target.read(k)).as(k).isPresent();
        }
        for (String k : bad) {
            assertThat(target.read(k)).as(k).isEmpty();
        }

        ReconciliationReport report = Reconciler.between(source, target)
                .buckets(4)
                .pageSize(batchSize)
                .run();
        assertThat(report.counts().rejected()).isEqualTo(bad.size());
        assertThat(report.rejected()).hasSize(bad.size());
        if (keyed) {
            assertThat(report.rejected())
                    .extracting(ReconciliationReport.Rejection::key)
                    .containsExactlyElementsOf(bad.stream().sorted().toList());
        }
        assertThat(report.counts().oldRows()).isEqualTo(good.size());
        assertThat(report.counts().newRows()).isEqualTo(good.size());
        assertThat(report.missingInNew()).isEmpty();
        assertThat(report.extraInNew()).isEmpty();
        assertThat(report.different()).isEmpty();
        assertThat(report.clean()).isEqualTo(bad.isEmpty());
    }

    private static String key(int i) {
        return String.format("k%03d", i);
    }

    @AfterContainer
    static void closePool() {
        TABLES.close();
    }
}
