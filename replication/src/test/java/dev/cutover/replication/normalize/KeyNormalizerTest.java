package dev.cutover.replication.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.KeyNormalizerCollisions;
import dev.cutover.replication.KeyNormalizerCollisions.Collision;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Examples of key normalization and collision reporting, from the second seed's keys. */
class KeyNormalizerTest {
    private final KeyNormalizer nfkc = KeyNormalizer.nfkc();
    private final KeyNormalizer nfc = KeyNormalizer.nfc();

    @Test
    void pastedKeysBecomeWhatPeopleRead() {
        assertThat(nfkc.normalize("ｏｒｄｅｒ－１７")).isEqualTo("order-17"); // full-width forms
        assertThat(nfkc.normalize("cust\u200B-42")).isEqualTo("cust-42"); // zero-width space
        assertThat(nfkc.normalize("\uFEFFcust-42")).isEqualTo("cust-42"); // byte order mark
        assertThat(nfkc.normalize("a\u200Cb\u200Dc\u2060d")).isEqualTo("abcd"); // joiners
        assertThat(nfkc.normalize(" \u00A0cust-42\t\r\n")).isEqualTo("cust-42"); // no-break space, controls
        assertThat(nfkc.normalize("\u3000x\u2003")).isEqualTo("x"); // ideographic and em spaces
        assertThat(nfkc.normalize("ﬁle²")).isEqualTo("file2"); // ligature, superscript
        assertThat(nfkc.normalize("cafe\u0301")).isEqualTo("café"); // decomposed accent
        assertThat(nfkc.normalize("a b")).isEqualTo("a b"); // inner spaces are kept
        assertThat(nfkc.normalize("a\u00ADb")).isEqualTo("a\u00ADb"); // soft hyphen is kept
    }

    @Test
    void nfcMergesOnlyCanonicalEquivalents() {
        assertThat(nfc.form()).isEqualTo(Normalizer.Form.NFC);
        assertThat(nfc.normalize("cafe\u0301")).isEqualTo("café");
        assertThat(nfc.normalize("ﬁle²")).isEqualTo("ﬁle²");
        assertThat(nfc.normalize("ｘ\u200B ")).isEqualTo("ｘ");
        assertThat(KeyNormalizer.of(Normalizer.Form.NFKC).form()).isEqualTo(Normalizer.Form.NFKC);
        assertThatThrownBy(() -> KeyNormalizer.of(Normalizer.Form.NFD)).hasMessageContaining("but was NFD");
    }

    @Test
    void stripAndComposeOrderKeepsNormalizingIdempotent() {
        // a zero-width space between a letter and a combining accent: removing it lets them compose
        String key = "e\u200B\u0301";
        assertThat(nfkc.normalize(key)).isEqualTo("é");
        assertThat(nfkc.normalize(nfkc.normalize(key))).isEqualTo("é");
    }

    @Test
    void keysThatNormalizeToNothingAreRejectedNamingTheOriginalEscaped() {
        assertThatThrownBy(() -> nfkc.normalize("\u200B \t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key \"\\u200B \\u0009\" normalizes to an empty key");
        assertThatThrownBy(() -> nfkc.normalize("half\uD83D"))
                .hasMessageContaining("\"half\\uD83D\"")
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> nfkc.normalize("\uFB01".repeat(600))) // each ligature becomes two letters
                .hasMessageContaining("1200 characters");
    }

    @Test
    void aChangeKeepsEverythingButItsKey() {
        Change c =
                Change.upsert("ｉｄ-1", 9, JsonNodeFactory.instance.objectNode().put("x", 1));
        assertThat(nfkc.normalize(c)).isEqualTo(c.withKey("id-1"));
        Change already = Change.delete("id-1", 3);
        assertThat(nfkc.normalize(already)).isSameAs(already);
    }

    @Test
    void everyPairOfOldKeysSharingANewKeyIsReportedOnce() {
        List<Collision> reported = new ArrayList<>();
        KeyNormalizerCollisions collisions = KeyNormalizerCollisions.create(reported::add);
        for (String old : List.of("cust-1", "cust\u200B-1", "ｃｕｓｔ-1", "cust-1", "cust-2", "cust\u200B-1")) {
            collisions.record(old, nfkc.normalize(old));
        }
        assertThat(reported)
                .containsExactly(
                        new Collision("cust-1", "cust-1", "cust\u200B-1"),
                        new Collision("cust-1", "cust-1", "ｃｕｓｔ-1"),
                        new Collision("cust-1", "cust\u200B-1", "ｃｕｓｔ-1"));
        assertThat(collisions.collisionCount()).isEqualTo(3);
        assertThat(collisions.size()).isEqualTo(2);
        assertThat(reported.get(0).toString())
                .isEqualTo("key collision: \"cust-1\" and \"cust\\u200B-1\" both normalize to \"cust-1\"");
    }

    @Test
    void theBoundOnRememberedKeysIsEnforcedNotSilentlyDropped() {
        KeyNormalizerCollisions collisions = KeyNormalizerCollisions.create(2, c -> {});
        collisions.record("a", "a");
        collisions.record("b", "b");
        collisions.record("ｂ", "b"); // an existing key: still fits
        assertThatThrownBy(() -> collisions.record("c", "c"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 keys");
        assertThatThrownBy(() -> KeyNormalizerCollisions.create(0, c -> {})).hasMessageContaining("but was 0");
    }

    @Test
    void concurrentRecordersReportEachPairExactlyOnce() throws Exception {
        List<Collision> reported = new CopyOnWriteArrayList<>();
        KeyNormalizerCollisions collisions = KeyNormalizerCollisions.create(reported::add);
        List<String> variants = List.of("k", "k\u200B", "\u200Bk", "ｋ", " k", "k\t");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int n = 0; n < 500; n++) {
                        for (String v : variants) {
                            collisions.record(v + n, nfkc.normalize(v + n));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // per n: 6 originals, but "k\t" + n is "k\tn" which normalizes to "kn" too: 6 choose 2 = 15 pairs
        assertThat(reported).hasSize(500 * 15);
        assertThat(reported.stream()
                        .map(c -> Set.of(c.firstOriginal(), c.otherOriginal()))
                        .distinct())
                .hasSize(500 * 15);
    }
}
