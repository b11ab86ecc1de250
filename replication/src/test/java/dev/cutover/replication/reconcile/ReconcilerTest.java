package dev.cutover.replication.reconcile;

import static dev.cutover.replication.reconcile.Rows.live;
import static dev.cutover.replication.reconcile.Rows.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.compare.Comparison;
import dev.cutover.compare.Difference;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationException;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.ReconciliationReport.Discrepancy;
import dev.cutover.replication.spi.KeyReader;
import dev.cutover.replication.spi.SegmentedSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reconciliation reports, on hand-picked cases; {@link ReconcilerProperties} generates them. */
class ReconcilerTest {
    @TempDir
    Path dir;

    private final InMemoryVersionedTarget old = store(
            live("same", 1, "x"),
            live("changed", 2, "before"),
            live("only-old", 3, "x"),
            Change.delete("gone-both", 4),
            live("deleted-in-new", 5, "x"),
            Change.delete("deleted-in-old", 6));
    private final InMemoryVersionedTarget neu = store(
            live("same", 1, "x"),
            live("changed", 7, "after"),
            Change.delete("deleted-in-new", 8),
            live("deleted-in-old", 9, "x"),
            live("only-new", 10, "x"));

    private static Reconciler.Builder between(SegmentedSource a, SegmentedSource b) {
        return Reconciler.between(a, b).recheckAfter(Duration.ZERO);
    }

    @Test
    void reportsMissingExtraAndDifferentFieldsTreatingTombstonesAsAbsent() throws Exception {
        ReconciliationReport report =
                between(old, neu).recheck(old::read, neu::read).run();
        assertThat(report.missingInNew()).extracting(Discrepancy::key).containsExactly("deleted-in-new", "only-old");
        assertThat(report.extraInNew()).extracting(Discrepancy::key).containsExactly("deleted-in-old", "only-new");
        assertThat(report.different()).singleElement().satisfies(d -> {
            assertThat(d.key()).isEqualTo("changed");
            assertThat(d.oldKeys()).containsExactly("changed");
            assertThat(d.oldVersion()).isEqualTo(2);
            assertThat(d.newVersion()).isEqualTo(7);
            assertThat(d.differences()).extracting(Difference::path).containsExactly("/name");
            assertThat(d.differences().get(0).oldValue())
                    .as("values redacted by default")
                    .isNull();
        });
        assertThat(report.missingInNew().get(0).newVersion())
                .as("a tombstone is absent")
                .isZero();
        ReconciliationReport.Counts c = report.counts();
        assertThat(c.oldRows()).isEqualTo(4);
        assertThat(c.newRows()).isEqualTo(4);
        assertThat(c.missingInNew() + c.extraInNew() + c.different()).isEqualTo(5);
        assertThat(report.clean()).isFalse();
        assertThat(report.rechecked()).isTrue();
        assertThat(report.summary())
                .contains("missing in new: 2")
                .contains("extra in new: 2")
                .contains("different: 1");
    }

    @Test
    void equalStoresReadNoRowTwice() throws Exception {
        InMemoryVersionedTarget copy = store(old.all().toArray(Change[]::new));
        ReconciliationReport report = between(old, copy).run();
        assertThat(report.clean()).isTrue();
        assertThat(report.differingBuckets()).isZero();
        assertThat(report.truncated()).isFalse();
    }

    @Test
    void theComparisonsNormalizersDecideWhatCountsAsDifferent() throws Exception {
        InMemoryVersionedTarget a = store(Change.upsert("k", 1, json("{\"name\":\"x\",\"etag\":\"1\",\"n\":1}")));
        InMemoryVersionedTarget b = store(Change.upsert("k", 5, json("{\"n\":1.0,\"etag\":\"2\",\"name\":\"x\"}")));
        assertThat(between(a, b).run().clean()).isFalse();
        ReconciliationReport report = between(a, b)
                .comparison(Comparison.builder().ignoreFields("etag").build())
                .run();
        assertThat(report.clean())
                .as("field order, number form and ignored fields do not matter")
                .isTrue();
        assertThat(report.differingBuckets()).isZero();
    }

    @Test
    void oldKeysThatNormalizeToOneNewKeyAreACollisionNeverMerged() throws Exception {
        InMemoryVersionedTarget a = store(
                live(" k", 1, "x"), live("k", 2, "x"), live("j ", 3, "x"), Change.delete("i ", 4), live("i", 5, "x"));
        InMemoryVersionedTarget b = store(live("k", 2, "x"), live("j", 3, "x"), live("i", 5, "x"));
        ReconciliationReport report = between(a, b)
                .transform(r -> Optional.of(r.withKey(r.key().strip())))
                .run();
        assertThat(report.collisions()).singleElement().satisfies(col -> {
            assertThat(col.key()).isEqualTo("k");
            assertThat(col.oldKeys()).containsExactly(" k", "k");
        });
        assertThat(report.counts().collisions()).isEqualTo(1);
        assertThat(report.missingInNew()).isEmpty();
        assertThat(report.different()).isEmpty();
        assertThat(report.counts().different()
                        + report.counts().missingInNew()
                        + report.counts().extraInNew())
                .isZero();
    }

    @Test
    void aRowTheTransformFailsOnIsAnErrorNamingItsOldKeyAndTheRestIsCompared() throws Exception {
        ReconciliationReport report = between(old, neu)
                .transform(r -> {
                    if (r.key().equals("only-old")) {
                        throw new IllegalStateException("cannot map " + r.key());
                    }
                    return r.key().equals("same") ? Optional.empty() : Optional.of(r);
                })
                .run();
        assertThat(report.errors()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("only-old");
            assertThat(e.side()).isEqualTo("old");
            assertThat(e.detail()).contains("IllegalStateException").doesNotContain("cannot map");
        });
        assertThat(report.counts().notMigrated()).isEqualTo(1);
        assertThat(report.extraInNew()).extracting(Discrepancy::key).contains("same");
    }

    @Test
    void aDifferenceThatSettlesByTheRecheckIsNotReported() throws Exception {
        InMemoryVersionedTarget a = store(live("k", 3, "new"), live("m", 1, "x"));
        InMemoryVersionedTarget b = store(live("k", 2, "old"));
        // the write of k at version 3 reaches the new store while the scans run; m's never does
        KeyReader newReader = key -> {
            b.apply(List.of(live("k", 3, "new")));
            return b.read(key);
        };
        ReconciliationReport report = between(a, b).recheck(a::read, newReader).run();
        assertThat(report.counts().settledOnRecheck()).isEqualTo(1);
        assertThat(report.different()).isEmpty();
        assertThat(report.missingInNew()).extracting(Discrepancy::key).containsExactly("m");
    }

    @Test
    void aRecheckReportsTheKeyAsItIsNow() throws Exception {
        InMemoryVersionedTarget a = store(live("k", 1, "x"));
        InMemoryVersionedTarget b = store(live("k", 2, "y"));
        KeyReader oldReader = key -> {
            a.apply(List.of(Change.delete("k", 3)));
            return a.read(key);
        };
        ReconciliationReport report = between(a, b).recheck(oldReader).run();
        assertThat(report.different()).isEmpty();
        assertThat(report.extraInNew())
                .singleElement()
                .satisfies(d -> assertThat(d.newVersion()).isEqualTo(2));
    }

    @Test
    void aSourceWithoutKeyOrderGivesTheSameReport() throws Exception {
        ReconciliationReport ordered = between(old, neu).buckets(4).run();
        for (long seed = 1; seed <= 5; seed++) {
            ReconciliationReport shuffled = between(Rows.shuffled(old, seed), Rows.shuffled(neu, seed * 31))
                    .buckets(4)
                    .run();
            assertThat(shuffled.missingInNew()).isEqualTo(ordered.missingInNew());
            assertThat(shuffled.extraInNew()).isEqualTo(ordered.extraInNew());
            assertThat(shuffled.different())
                    .extracting(Discrepancy::key)
                    .isEqualTo(
                            ordered.different().stream().map(Discrepancy::key).toList());
            assertThat(shuffled.differingBuckets()).isEqualTo(ordered.differingBuckets());
        }
    }

    @Test
    void countsStayExactWhenListsAreCutAtTheReportLimit() throws Exception {
        InMemoryVersionedTarget empty = new InMemoryVersionedTarget();
        ReconciliationReport report = between(old, empty)
                .reportLimit(1)
                .maxRowsInMemory(1)
                .buckets(64)
                .run();
        assertThat(report.counts().missingInNew()).isEqualTo(4);
        assertThat(report.missingInNew()).hasSize(1);
        assertThat(report.truncated()).isTrue();
        assertThat(report.summary()).contains("lists truncated");
    }

    @Test
    void theJsonFileHasTheDocumentedSchemaAndReadsBack() throws Exception {
        ReconciliationReport report =
                between(old, neu).recheck(old::read, neu::read).run();
        Path file = dir.resolve("reconciliation.json");
        report.writeJson(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("schema").asText()).isEqualTo(ReconciliationReport.SCHEMA);
        assertThat(json.get("counts").get("missingInNew").asLong()).isEqualTo(2);
        assertThat(json.get("different")
                        .get(0)
                        .get("differences")
                        .get(0)
                        .get("path")
                        .asText())
                .isEqualTo("/name");
        assertThat(json.get("different").get(0).get("differences").get(0).has("oldValue"))
                .isFalse();
        assertThat(json.get("clean").asBoolean()).isFalse();
        assertThat(ReconciliationReport.readJson(file)).isEqualTo(report);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void aFileOfAnotherSchemaIsRefused() throws Exception {
        Path file = dir.resolve("other.json");
        Files.writeString(file, "{\"schema\":\"something/2\"}");
        assertThatThrownBy(() -> ReconciliationReport.readJson(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("something/2");
    }

    @Test
    void aSideThatCannotBeReadFailsTheRunNamingTheSideAndSegment() {
        SegmentedSource broken = new SegmentedSource() {
            @Override
            public int segments() {
                return 2;
            }

            @Override
            public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
                if (segment == 1) {
                    throw new java.sql.SQLException("connection reset");
                }
                return new Page(List.of(), null);
            }

            @Override
            public String describe() {
                return "broken store";
            }
        };
        assertThatThrownBy(() -> between(old, broken).run())
                .isInstanceOf(ReconciliationException.class)
                .hasMessageContaining("new side")
                .hasMessageContaining("broken store")
                .hasMessageContaining("segment 1 of 2")
                .hasCauseInstanceOf(java.sql.SQLException.class);
    }

    @Test
    void settingsAreCheckedWhenSetNamingTheBadValue() {
        Reconciler.Builder b = Reconciler.between(old, neu);
        assertThatThrownBy(() -> b.buckets(0)).hasMessageContaining("buckets").hasMessageContaining("but was 0");
        assertThatThrownBy(() -> b.pageSize(0)).hasMessageContaining("pageSize").hasMessageContaining("but was 0");
        assertThatThrownBy(() -> b.maxRowsInMemory(-5)).hasMessageContaining("but was -5");
        assertThatThrownBy(() -> b.reportLimit(-1)).hasMessageContaining("but was -1");
        assertThatThrownBy(() -> b.recheckAfter(Duration.ofMillis(-1))).hasMessageContaining("PT-0.001S");
        assertThatCode(() -> Reconciler.between(Rows.shuffled(old, 1), neu)
                        .recheck(old::read)
                        .build())
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Reconciler.between(old, Rows.shuffled(neu, 1)).recheck(old::read))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VersionedTarget");
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
