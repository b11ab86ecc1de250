package dev.cutover.openfeature.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.InvalidContextException;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContextViewTest {

    private static EvaluationContext view(dev.openfeature.sdk.EvaluationContext context) {
        return ContextView.detached(context).context();
    }

    @Test
    void scalarsAreReadAsTheyAreAndTheTargetingKeyIsTheKey() {
        Map<String, Value> attributes = new LinkedHashMap<>();
        attributes.put("country", new Value("DE"));
        attributes.put("tier", new Value(3));
        attributes.put("big", new Value(5_000_000_000L));
        attributes.put("score", new Value(0.5));
        attributes.put("beta", new Value(true));
        EvaluationContext mapped = view(new ImmutableContext("customer-1", attributes));

        assertThat(mapped.key()).isEqualTo("customer-1");
        assertThat(mapped.get("country")).isEqualTo("DE");
        assertThat(mapped.get("tier")).isEqualTo(3);
        assertThat(mapped.get("big")).isEqualTo(5_000_000_000L);
        assertThat(mapped.get("beta")).isEqualTo(true);
        assertThat(mapped.get("key"))
                .as("rules on 'key' read the targeting key")
                .isEqualTo("customer-1");
        assertThat(mapped.get("absent")).isNull();
        assertThat(mapped.attributes())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("country", "DE", "tier", 3, "big", 5_000_000_000L, "score", 0.5, "beta", true));
    }

    @Test
    void noContextAnEmptyOneAndAContextWithoutAKey() {
        assertThat(view(null)).isSameAs(EvaluationContext.empty());
        assertThat(view(new ImmutableContext()).key()).isNull();
        assertThat(view(new ImmutableContext()).attributes()).isEmpty();
        assertThat(view(new ImmutableContext("")).key()).isEmpty();
        EvaluationContext anonymous = view(new ImmutableContext(Map.of("country", new Value("DE"))));
        assertThat(anonymous.key()).isNull();
        assertThat(anonymous.get("country"))
                .as("attributes without a key are legal")
                .isEqualTo("DE");
        assertThat(anonymous.get("key")).isNull();
    }

    @Test
    void dottedNamesReadInsideStructuresAndInstantsAreEpochMillis() {
        Instant at = Instant.parse("2024-06-01T12:00:00.123Z");
        MutableContext context = new MutableContext("customer-1");
        context.add(
                "device",
                new ImmutableStructure(Map.of(
                        "os", new Value("ios"),
                        "screen", new Value(new ImmutableStructure(Map.of("width", new Value(1170)))),
                        "none", new Value(new ImmutableStructure(Map.of())))));
        context.add("signedUpAt", at);
        context.add("missing", (String) null);

        EvaluationContext mapped = view(context);
        assertThat(mapped.get("device.os")).isEqualTo("ios");
        assertThat(mapped.get("device.screen.width")).isEqualTo(1170);
        assertThat(mapped.get("device"))
                .as("a structure as a whole is no comparable value")
                .isNull();
        assertThat(mapped.get("device.nope.x")).isNull();
        assertThat(mapped.get("signedUpAt")).isEqualTo(at.toEpochMilli());
        assertThat(mapped.get("missing")).isNull();
        assertThat(mapped.attributes())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("device.os", "ios", "device.screen.width", 1170, "signedUpAt", at.toEpochMilli()));
    }

    @Test
    void aListIsRefusedByNameOnlyWhenRead() {
        ContextView view = ContextView.detached(new ImmutableContext(
                "c",
                Map.of(
                        "roles",
                        new Value(List.of(new Value("admin"))),
                        "user",
                        new Value(new ImmutableStructure(Map.of("groups", new Value(List.of())))),
                        "country",
                        new Value("DE"))));
        EvaluationContext mapped = view.context();
        assertThat(mapped.get("country"))
                .as("attributes no rule reads are never looked at")
                .isEqualTo("DE");
        assertThat(view.problem()).isNull();
        assertThatThrownBy(() -> mapped.get("roles"))
                .isInstanceOfSatisfying(
                        InvalidContextException.class,
                        e -> assertThat(e.attribute()).isEqualTo("roles"))
                .hasMessageContaining("'roles'")
                .hasMessageContaining("list");
        assertThat(view.problem()).contains("'roles'");
        assertThatThrownBy(() -> mapped.get("user.groups")).hasMessageContaining("'user.groups'");
        assertThat(mapped.attributes()).as("not comparable, left out").containsOnlyKeys("country");
    }

    @Test
    void anAttributeNamedWithADotWinsOverThePathInsideAStructure() {
        Map<String, Value> attributes = new LinkedHashMap<>();
        attributes.put("device.os", new Value("android"));
        attributes.put("device", new Value(new ImmutableStructure(Map.of("os", new Value("ios"), "v", new Value(2)))));
        EvaluationContext mapped = view(new ImmutableContext("c", attributes));
        assertThat(mapped.get("device.os")).isEqualTo("android");
        assertThat(mapped.get("device.v")).isEqualTo(2);
    }

    @Test
    void deepNestingIsReadAndListedUpToTheLimit() {
        Value deep = new Value("leaf");
        for (int i = 0; i < ContextView.MAX_DEPTH; i++) {
            deep = new Value(new ImmutableStructure(Map.of("n", deep)));
        }
        EvaluationContext mapped = view(new ImmutableContext("c", Map.of("root", deep)));
        String path = "root" + ".n".repeat(ContextView.MAX_DEPTH);
        assertThat(mapped.get(path)).isEqualTo("leaf");
        assertThat(mapped.attributes()).containsOnlyKeys(path);
    }

    @Test
    void instantsOutsideEpochMillisAreRefused() {
        // ImmutableContext copies instants through epoch milliseconds and cannot hold this one at all
        EvaluationContext mapped = view(new MutableContext("c").add("at", Instant.MAX));
        assertThatThrownBy(() -> mapped.get("at")).hasMessageContaining("'at'").hasMessageContaining("instant");
    }
}
