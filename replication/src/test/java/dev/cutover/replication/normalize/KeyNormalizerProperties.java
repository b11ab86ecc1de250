package dev.cutover.replication.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.KeyNormalizerCollisions;
import dev.cutover.replication.KeyNormalizerCollisions.Collision;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Key normalization is idempotent and leaves nothing it strips; collision detection reports every
 * pair of distinct old keys that normalize to one new key, and no other pair.
 */
class KeyNormalizerProperties {
    /** What people paste: zero-width characters, controls, odd spaces, compatibility and decomposed forms. */
    private static final String NOISE =
            "\u200B\u200C\u200D\u2060\uFEFF\u0000\u0007\t\n\r\u007F\u0085" + " \u00A0\u2003\u3000\u0301\u0308";

    private static final String LOOKALIKES = "ａｂＡ１ﬁ²½ⅸ㎏éeEß";

    private static final KeyNormalizer NFKC = KeyNormalizer.nfkc();
    private static final KeyNormalizer NFC = KeyNormalizer.nfc();

    @Provide
    Arbitrary<String> pastedKeys() {
        Arbitrary<Character> plain = Arbitraries.chars().with("abAB1-_ .");
        Arbitrary<Character> noise = Arbitraries.chars().with(NOISE);
        Arbitrary<Character> lookalike = Arbitraries.chars().with(LOOKALIKES);
        Arbitrary<Character> any = Arbitraries.chars().all(); // includes unpaired surrogates: rejected
        return Arbitraries.frequencyOf(
                        Tuple.of(6, plain), Tuple.of(3, noise),
                        Tuple.of(3, lookalike), Tuple.of(1, any))
                .list()
                .ofMinSize(0)
                .ofMaxSize(12)
                .map(chars -> {
                    StringBuilder sb = new StringBuilder();
                    chars.forEach(sb::append);
                    return sb.toString();
                });
    }

    @Property(tries = 2000)
    void normalizingTwiceChangesNothingAndLeavesNothingStrippable(@ForAll("pastedKeys") String key) {
        for (KeyNormalizer n : List.of(NFKC, NFC)) {
            String once;
            try {
                once = n.normalize(key);
            } catch (IllegalArgumentException rejected) {
                assertThat(rejected.getMessage()).startsWith("key \"");
                continue;
            }
            assertThat(n.normalize(once)).as("%s of %s", n, once).isEqualTo(once);
            assertThat(once).isNotEmpty().isEqualTo(once.strip());
            assertThat(Character.isSpaceChar(once.codePointAt(0))).isFalse();
            assertThat(once.codePoints())
                    .noneMatch(cp -> Character.getType(cp) == Character.CONTROL
                            || cp == 0x200B
                            || cp == 0x200C
                            || cp == 0x200D
                            || cp == 0x2060
                            || cp == 0xFEFF);
            assertThat(Normalizer.isNormalized(once, n.form())).isTrue();
        }
    }

    /** A few base keys (already normalized) and variants of them, some repeated: many collide. */
    @Provide
    Arbitrary<List<Tuple2<String, String>>> keyFamilies() {
        Arbitrary<String> base = Arbitraries.of("ab", "a-1", "fi2", "é", "ß", "A");
        Arbitrary<Tuple2<String, String>> variant = Combinators.combine(
                        base,
                        Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().between(0, 1))
                .as((b, how, where) -> Tuple.of(
                        b,
                        switch (how) {
                            case 0 -> b;
                            case 1 -> where == 0 ? "\u200B" + b : b + "\uFEFF";
                            case 2 -> " \u00A0" + b + "\t";
                            case 3 -> b.replace("a", "ａ").replace("1", "１").replace("A", "Ａ");
                            case 4 -> b.replace("fi", "ﬁ").replace("2", "²");
                            case 5 -> b.replace("é", "e\u0301");
                            default -> b.charAt(0) + (where == 0 ? "\u2060" : "\u0007") + b.substring(1);
                        }));
        return variant.list().ofMinSize(0).ofMaxSize(30);
    }

    /**
     * NFKC: each variant normalizes to its base, so the colliding pairs are exactly the distinct
     * variants of one base (an oracle independent of the normalizer). NFC: the pairs are those the
     * normalizer maps together.
     */
    @Property(tries = 300)
    void everyCollidingPairIsReportedAndNoOther(@ForAll("keyFamilies") List<Tuple2<String, String>> family) {
        List<String> keys = family.stream().map(Tuple2::get2).toList();
        for (Tuple2<String, String> t : family) {
            assertThat(NFKC.normalize(t.get2())).as("NFKC of %s", t.get2()).isEqualTo(t.get1());
        }
        for (KeyNormalizer n : List.of(NFKC, NFC)) {
            List<Collision> reported = new ArrayList<>();
            KeyNormalizerCollisions collisions = KeyNormalizerCollisions.create(reported::add);
            for (String k : keys) {
                collisions.record(k, n.normalize(k));
            }
            Set<Set<String>> expected = new HashSet<>();
            List<Tuple2<String, String>> distinct = family.stream().distinct().toList();
            for (int i = 0; i < distinct.size(); i++) {
                for (int j = i + 1; j < distinct.size(); j++) {
                    String a = distinct.get(i).get2();
                    String b = distinct.get(j).get2();
                    boolean collide = n == NFKC
                            ? distinct.get(i).get1().equals(distinct.get(j).get1())
                            : n.normalize(a).equals(n.normalize(b));
                    if (collide) {
                        expected.add(Set.of(a, b));
                    }
                }
            }
            List<Set<String>> got = reported.stream()
                    .map(c -> Set.of(c.firstOriginal(), c.otherOriginal()))
                    .toList();
            assertThat(got).as("reported pairs (%s)", n).doesNotHaveDuplicates();
            assertThat(new HashSet<>(got)).as("reported pairs (%s)", n).isEqualTo(expected);
            for (Collision c : reported) {
                assertThat(n.normalize(c.firstOriginal())).isEqualTo(c.normalizedKey());
                assertThat(n.normalize(c.otherOriginal())).isEqualTo(c.normalizedKey());
            }
            assertThat(collisions.collisionCount()).isEqualTo(expected.size());
        }
    }
}
