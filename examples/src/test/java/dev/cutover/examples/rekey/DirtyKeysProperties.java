package dev.cutover.examples.rekey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.KeyNormalizer;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The example's own invariant: the near-duplicates the dirty-id generator plants are exactly the
 * key collisions that normalization makes (the ones the backfill and the reconciliation report,
 * as the end-to-end test checks), and nothing else collides.
 */
class DirtyKeysProperties {
    private static final KeyNormalizer KEYS = KeyNormalizer.nfkc();

    @Property(tries = 200)
    void theNearDuplicatesAreExactlyTheCollisions(
            @ForAll @IntRange(min = 10, max = 3_000) int orders,
            @ForAll @IntRange(min = 0, max = 100) int percentOfMax,
            @ForAll long seed) {
        int nearDuplicates = orders / 10 * percentOfMax / 100;
        DirtyKeys keys = DirtyKeys.generate(orders, nearDuplicates, seed);

        // the collisions normalization makes: old ids grouped by their new key, groups of two or more
        Map<String, Set<String>> byNewKey =
                keys.all().stream().collect(Collectors.groupingBy(KEYS::normalize, Collectors.toSet()));
        Set<Set<String>> collisions =
                byNewKey.values().stream().filter(ids -> ids.size() > 1).collect(Collectors.toSet());

        assertThat(collisions)
                .isEqualTo(keys.nearDuplicates().stream()
                        .map(p -> Set.of(p.first(), p.second()))
                        .collect(Collectors.toSet()));
        assertThat(byNewKey).hasSize(orders);
        for (DirtyKeys.NearDuplicate p : keys.nearDuplicates()) {
            assertThat(KEYS.normalize(p.first())).isEqualTo(p.cleanId());
            assertThat(KEYS.normalize(p.second())).isEqualTo(p.cleanId());
        }
        assertThat(keys.all()).hasSize(orders + nearDuplicates).doesNotHaveDuplicates();
        Set<String> live = new HashSet<>(keys.live());
        assertThat(live).hasSize(orders - nearDuplicates);
        assertThat(keys.nearDuplicates()).allSatisfy(p -> assertThat(live).doesNotContain(p.first(), p.second()));
        assertThat(keys.all().stream()
                        .filter(id -> !KEYS.normalize(id).equals(id))
                        .count())
                .isEqualTo(keys.dirtyCount());
    }

    @Property(tries = 300)
    void aNewOrdersIdNormalizesToItsCleanId(@ForAll @IntRange(min = 0, max = 100_000_000) int n, @ForAll long seed) {
        String clean = DirtyKeys.cleanId(n);
        assertThat(KEYS.normalize(DirtyKeys.maybeDirty(clean, new Random(seed))))
                .isEqualTo(clean);
    }

    @Example
    void visibleEscapesWhatCannotBeSeen() {
        assertThat(DirtyKeys.visible("order-1\u200B")).isEqualTo("'order-1\\u200B'");
        assertThat(DirtyKeys.visible("\uFF4F-1\t")).isEqualTo("'\\uFF4F-1\\u0009'");
    }
}
