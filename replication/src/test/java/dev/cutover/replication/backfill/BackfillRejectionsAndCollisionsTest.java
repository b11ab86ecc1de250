package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillCollision;
import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillRejection;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.RowTransform;
import dev.cutover.replication.TransformResult;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Rows the transform or the key normalizer rejects are counted and reported with their key and
 * reason; two old keys that normalize to one new key are reported as a collision naming both, and
 * only the first is applied (never merged by version).
 */
class BackfillRejectionsAndCollisionsTest {
    private static final String ZWSP = "\u200B";
    /** NFC, zero-width spaces stripped, trimmed: what the KeyNormalizer does, roughly. */
    private static final UnaryOperator<String> NORMALIZE = key -> {
        if (key.equals("explode")) {
            throw new IllegalArgumentException("cannot normalize 'explode'");
        }
        return Normalizer.normalize(key, Normalizer.Form.NFC).replace(ZWSP, "").strip();
    };

    @Example
    void rejectionsAndCollisionsAreReportedWithTheirKeys() throws Exception {
        List<Change> rows = new ArrayList<>();
        for (String key : List.of(
                "abc",
                "abc" + ZWSP,
                "A\u030Angstro\u0308m",
                "\u00C5ngstr\u00F6m",
                " padded ",
                "bad-1",
                "bad-2",
                "boom",
                ZWSP,
                "explode",
                "plain")) {
            rows.add(Rows.row(key, 100 - rows.size()));
        }
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        List<BackfillRejection> heardRejections = new CopyOnWriteArrayList<>();
        List<BackfillCollision> heardCollisions = new CopyOnWriteArrayList<>();
        RowTransform transform = row -> {
            if (row.key().startsWith("bad-")) {
                return TransformResult.reject("test account");
            }
            if (row.key().equals("boom")) {
                throw new IllegalStateException("no schema for boom");
            }
            return TransformResult.accept(row);
        };

        BackfillResult result = Backfill.from(Rows.source(1, rows))
                .to(target)
                .transform(transform)
                .normalizeKeys(NORMALIZE)
                .listener(new BackfillListener() {
                    @Override
                    public void onRejected(BackfillRejection r) {
                        heardRejections.add(r);
                    }

                    @Override
                    public void onCollision(BackfillCollision c) {
                        heardCollisions.add(c);
                    }
                })
                .build()
                .run();

        assertThat(result.counts().read()).isEqualTo(11);
        assertThat(result.counts().rejected()).isEqualTo(5);
        assertThat(result.counts().collisions()).isEqualTo(2);
        assertThat(result.counts().applied()).isEqualTo(4);
        assertThat(result.rejections())
                .extracting(BackfillRejection::key)
                .containsExactlyInAnyOrder("bad-1", "bad-2", "boom", ZWSP, "explode");
        assertThat(result.rejections()).allSatisfy(r -> assertThat(r.segment()).isZero());
        Map<String, String> reasons = new HashMap<>();
        result.rejections().forEach(r -> reasons.put(r.key(), r.reason()));
        assertThat(reasons.get("bad-1")).isEqualTo("test account");
        assertThat(reasons.get("boom")).contains("IllegalStateException").contains("no schema for boom");
        assertThat(reasons.get(ZWSP)).contains("normalized key");
        assertThat(reasons.get("explode")).contains("key normalizer threw").contains("cannot normalize");
        assertThat(result.collisions())
                .containsExactlyInAnyOrder(
                        new BackfillCollision("abc", "abc", "abc" + ZWSP, 0),
                        new BackfillCollision("\u00C5ngstr\u00F6m", "A\u030Angstro\u0308m", "\u00C5ngstr\u00F6m", 0));
        assertThat(heardRejections).containsExactlyInAnyOrderElementsOf(result.rejections());
        assertThat(heardCollisions).containsExactlyInAnyOrderElementsOf(result.collisions());
        assertThat(result.truncated()).isFalse();

        // the first of each colliding pair was applied, under the new key; nothing merged
        assertThat(target.read("abc").orElseThrow().payload().get("id").asText())
                .isEqualTo("abc");
        assertThat(target.read("\u00C5ngstr\u00F6m")
                        .orElseThrow()
                        .payload()
                        .get("id")
                        .asText())
                .isEqualTo("A\u030Angstro\u0308m");
        assertThat(target.read("padded").orElseThrow().payload().get("id").asText())
                .isEqualTo(" padded ");
        assertThat(target.all())
                .extracting(Change::key)
                .containsExactlyInAnyOrder("abc", "\u00C5ngstr\u00F6m", "padded", "plain");
    }

    @Example
    void aFunctionThatReturnsNothingRejectsTheRow() throws Exception {
        List<Change> rows = List.of(Rows.row("keep", 1), Rows.row("drop", 2));
        BackfillResult result = Backfill.from(Rows.source(2, rows))
                .to(new InMemoryVersionedTarget())
                .transform(RowTransform.of(row -> row.key().equals("drop") ? Optional.empty() : Optional.of(row)))
                .build()
                .run();
        assertThat(result.counts().applied()).isEqualTo(1);
        assertThat(result.rejections()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("drop");
            assertThat(r.version()).isEqualTo(2);
            assertThat(r.reason()).isEqualTo("the transform returned no change");
        });
    }

    /**
     * Across segments and workers: every extra old key of a new key is one collision naming the old
     * key that was applied, and the target holds that key's row, whatever the versions.
     */
    @Property(tries = 40)
    void collisionsAcrossWorkersAreAllReportedAndNeverMerged(
            @ForAll @Size(min = 1, max = 25) List<@IntRange(min = 0, max = 3) Integer> variants,
            @ForAll @IntRange(min = 1, max = 6) int segments,
            @ForAll @IntRange(min = 1, max = 4) int workers,
            @ForAll @IntRange(min = 1, max = 5) int batchSize,
            @ForAll long seed)
            throws Exception {
        List<Change> rows = new ArrayList<>();
        Map<String, Set<String>> oldKeysOf = new HashMap<>();
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < variants.size(); i++) {
            String base = "key-" + i;
            List<String> keys = new ArrayList<>(List.of(base, ZWSP + base, base + ZWSP, " " + base));
            for (String key : keys.subList(0, 1 + variants.get(i))) {
                rows.add(Rows.row(key, 1 + random.nextInt(1_000)));
                oldKeysOf.computeIfAbsent(base, b -> new HashSet<>()).add(key);
            }
        }
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        BackfillResult result = Backfill.from(Rows.source(segments, rows))
                .to(target)
                .normalizeKeys(NORMALIZE)
                .workers(workers)
                .batchSize(batchSize)
                .build()
                .run();

        int extra = variants.stream().mapToInt(Integer::intValue).sum();
        assertThat(result.counts().collisions()).isEqualTo(extra);
        assertThat(result.collisions()).hasSize(extra);
        assertThat(result.counts().applied()).isEqualTo(variants.size());
        for (Map.Entry<String, Set<String>> e : oldKeysOf.entrySet()) {
            String applied =
                    target.read(e.getKey()).orElseThrow().payload().get("id").asText();
            List<BackfillCollision> mine = result.collisions().stream()
                    .filter(c -> c.newKey().equals(e.getKey()))
                    .toList();
            assertThat(mine)
                    .hasSize(e.getValue().size() - 1)
                    .allSatisfy(c -> assertThat(c.firstKey()).isEqualTo(applied));
            Set<String> named = new HashSet<>(Set.of(applied));
            mine.forEach(c -> named.add(c.collidingKey()));
            assertThat(named).as("old keys of %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Example
    void collisionTrackingCanBeBoundedOrTurnedOff() throws Exception {
        List<Change> rows = List.of(Rows.row("a", 1), Rows.row("b", 2), Rows.row("c", 3), Rows.row("c" + ZWSP, 9));
        InMemoryVersionedTarget off = new InMemoryVersionedTarget();
        BackfillResult untracked = Backfill.from(Rows.source(1, rows))
                .to(off)
                .normalizeKeys(NORMALIZE)
                .collisionTracking(0)
                .build()
                .run();
        assertThat(untracked.counts().collisions()).isZero();
        assertThat(off.read("c").orElseThrow().version())
                .as("merged by version when unchecked")
                .isEqualTo(9);

        BackfillResult bounded = Backfill.from(Rows.source(1, rows))
                .to(new InMemoryVersionedTarget())
                .normalizeKeys(NORMALIZE)
                .collisionTracking(2)
                .build()
                .run();
        assertThat(bounded.collisionTrackingSaturated()).isTrue();
        BackfillResult roomy = Backfill.from(Rows.source(1, rows))
                .to(new InMemoryVersionedTarget())
                .normalizeKeys(NORMALIZE)
                .collisionTracking(3)
                .build()
                .run();
        assertThat(roomy.collisionTrackingSaturated()).isFalse();
        assertThat(roomy.collisions()).containsExactly(new BackfillCollision("c", "c", "c" + ZWSP, 0));
    }
}
