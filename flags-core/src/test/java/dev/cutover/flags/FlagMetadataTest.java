package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagMetadataTest {

    private static Flag.Builder base() {
        return Flag.builder("orders.flag").booleanVariants();
    }

    @Test
    void valuesAreNormalisedAndKeptInInsertionOrder() {
        Flag flag = base().metadata("owner", "team-orders")
                .metadata("ticket", 123)
                .metadata("temporary", true)
                .metadata("cost", 1.5f)
                .metadata("big", Long.MAX_VALUE)
                .metadata("ratio", 0.25)
                .build();
        assertThat(flag.metadata())
                .containsExactly(
                        Map.entry("owner", "team-orders"),
                        Map.entry("ticket", 123L),
                        Map.entry("temporary", true),
                        Map.entry("cost", 1.5),
                        Map.entry("big", Long.MAX_VALUE),
                        Map.entry("ratio", 0.25));
        assertThatThrownBy(() -> flag.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(flag.toJson())
                .endsWith(",\"metadata\":{\"owner\":\"team-orders\",\"ticket\":123,\"temporary\":true,"
                        + "\"cost\":1.5,\"big\":9223372036854775807,\"ratio\":0.25}}");
        Flag back = Flag.fromJson(flag.toJson());
        assertThat(back).isEqualTo(flag);
        assertThat(back.metadata()).isEqualTo(flag.metadata());
        assertThat(back.metadata().get("ticket")).isInstanceOf(Long.class);
        assertThat(back.toBuilder().build().metadata()).isEqualTo(flag.metadata());
    }

    @Test
    void aFlagWithoutMetadataWritesNone() {
        Flag flag = Flag.booleanFlag("plain", true);
        assertThat(flag.metadata()).isEmpty();
        assertThat(flag.toJson()).doesNotContain("metadata");
        assertThat(Flag.fromJson("{\"key\":\"m\",\"type\":\"boolean\",\"variants\":{\"true\":true},\"metadata\":{}}")
                        .metadata())
                .isEmpty();
    }

    @Test
    void theMapFormReplacesAndChecksTypes() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("b", 2);
        all.put("a", "x");
        Flag flag = base().metadata("gone", true).metadata(all).build();
        assertThat(flag.metadata()).containsExactly(Map.entry("b", 2L), Map.entry("a", "x"));
        assertThatThrownBy(() -> base().metadata(Map.of("tags", List.of("a"))))
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("'orders.flag'")
                .hasMessageContaining("'tags'");
        assertThatThrownBy(() -> base().metadata("when", Instant.EPOCH))
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("'when'");
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("nothing", null);
        assertThatThrownBy(() -> base().metadata(withNull)).hasMessageContaining("'nothing'");
    }

    @Test
    void limitsAreCheckedNamingTheEntry() {
        assertThatThrownBy(() -> base().metadata("", "x").build())
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("'orders.flag'")
                .hasMessageContaining("1 to 128");
        assertThatThrownBy(() -> base().metadata("n".repeat(129), "x").build()).hasMessageContaining("1 to 128");
        assertThat(base().metadata("n".repeat(128), "x").build().metadata()).hasSize(1);
        assertThatThrownBy(() -> base().metadata("tab\there", "x").build())
                .hasMessageContaining("control character")
                .hasMessageContaining("tab\\u0009here");
        assertThatThrownBy(() -> base().metadata("long", "v".repeat(1025)).build())
                .hasMessageContaining("'long'")
                .hasMessageContaining("1024");
        assertThat(base().metadata("long", "v".repeat(1024)).build().metadata()).hasSize(1);
        assertThatThrownBy(
                        () -> base().metadata("inf", Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("'inf'")
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> base().metadata("nan", Float.NaN).build()).hasMessageContaining("'nan'");
        Flag.Builder many = base();
        for (int i = 0; i < 64; i++) {
            many.metadata("e" + i, i);
        }
        assertThat(many.build().metadata()).hasSize(64);
        assertThatThrownBy(() -> many.metadata("e64", 64).build()).hasMessageContaining("at most 64");
    }

    @Test
    void documentsAreReadStrictlyNamingTheField() {
        String head = "{\"key\":\"m1\",\"type\":\"boolean\",\"variants\":{\"true\":true},\"metadata\":";
        assertThatThrownBy(() -> Flag.fromJson(head + "[\"owner\"]}"))
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("'m1'")
                .hasMessageContaining("'metadata' must be an object");
        assertThatThrownBy(() -> Flag.fromJson(head + "{\"owner\":null}}")).hasMessageContaining("'metadata.owner'");
        assertThatThrownBy(() -> Flag.fromJson(head + "{\"tags\":[1]}}")).hasMessageContaining("'metadata.tags'");
        assertThatThrownBy(() -> Flag.fromJson(head + "{\"o\":{\"a\":1}}}")).hasMessageContaining("'metadata.o'");
        assertThatThrownBy(() -> Flag.fromJson(head + "{\"n\":99999999999999999999}}"))
                .hasMessageContaining("'metadata.n'")
                .hasMessageContaining("fits a long");
        assertThatThrownBy(() -> Flag.fromJson(head + "{\"d\":1e999}}")).hasMessageContaining("'metadata.d'");
        Flag parsed = Flag.fromJson(head + "{\"owner\":\"team-orders\",\"ticket\":123,\"temporary\":true,\"r\":2.5}}");
        assertThat(parsed.metadata())
                .containsExactly(
                        Map.entry("owner", "team-orders"),
                        Map.entry("ticket", 123L),
                        Map.entry("temporary", true),
                        Map.entry("r", 2.5));
    }

    @Test
    void aScheduledChangeKeepsEachDefinitionsOwnMetadata() {
        Flag previous = base().metadata("owner", "old-team").build();
        Flag flag = base().metadata("owner", "new-team")
                .effectiveAt(Instant.parse("2030-01-01T00:00:00Z"), previous)
                .build();
        Flag back = Flag.fromJson(flag.toJson());
        assertThat(back.metadata()).containsExactly(Map.entry("owner", "new-team"));
        assertThat(back.previous().orElseThrow().metadata()).containsExactly(Map.entry("owner", "old-team"));
        String badPrevious = flag.toJson().replace("\"old-team\"", "null");
        assertThatThrownBy(() -> Flag.fromJson(badPrevious)).hasMessageContaining("'metadata.owner'");
    }

    @Test
    void offVariantIsOptional() {
        assertThat(Flag.booleanFlag("b", true).offVariant()).contains("false");
        assertThat(Flag.builder("b")
                        .offVariant("true")
                        .booleanVariants()
                        .build()
                        .offVariant())
                .contains("true");
        Flag none = Flag.builder("s").variant("a", "A").variant("b", "B").build();
        assertThat(none.offVariant()).isEmpty();
        assertThat(none.fallthrough().variant()).isEqualTo("a");
        assertThat(none.toJson()).doesNotContain("offVariant");
        assertThat(Flag.fromJson(none.toJson()).offVariant()).isEmpty();
        Flag cleared = Flag.booleanFlag("b", true).toBuilder().offVariant(null).build();
        assertThat(cleared.offVariant()).isEmpty();
        assertThat(Flag.fromJson(cleared.toJson())).isEqualTo(cleared);
        assertThat(Flag.fromJson("{\"key\":\"b\",\"type\":\"boolean\",\"variants\":{\"true\":true,\"false\":false}}")
                        .offVariant())
                .isEmpty();
        assertThatThrownBy(() ->
                        Flag.builder("s").variant("a", "A").offVariant("zz").build())
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("offVariant refers to unknown variant 'zz'");
    }
}
