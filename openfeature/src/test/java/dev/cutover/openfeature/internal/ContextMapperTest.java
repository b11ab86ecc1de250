package dev.cutover.openfeature.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.EvaluationContext;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContextMapperTest {

    @Test
    void scalarsAreCopiedAndTheTargetingKeyIsNotAnAttribute() {
        Map<String, Value> attributes = new LinkedHashMap<>();
        attributes.put("country", new Value("DE"));
        attributes.put("tier", new Value(3));
        attributes.put("big", new Value(5_000_000_000L));
        attributes.put("score", new Value(0.5));
        attributes.put("beta", new Value(true));
        EvaluationContext mapped = ContextMapper.map(new ImmutableContext("customer-1", attributes));

        assertThat(mapped.key()).isEqualTo("customer-1");
        assertThat(mapped.attributes())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("country", "DE", "tier", 3, "big", 5_000_000_000L, "score", 0.5, "beta", true));
    }

    @Test
    void emptyContextsAndTheEmptyKey() {
        assertThat(ContextMapper.map(null)).isSameAs(EvaluationContext.empty());
        assertThat(ContextMapper.map(new ImmutableContext())).isSameAs(EvaluationContext.empty());
        assertThat(ContextMapper.map(new ImmutableContext(Map.of("gone", new Value()))))
                .as("only a null attribute: nothing to carry")
                .isSameAs(EvaluationContext.empty());
        assertThat(ContextMapper.map(new ImmutableContext("")).key()).isEmpty();
    }

    @Test
    void structuresFlattenToDottedNamesAndInstantsBecomeEpochMillis() {
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

        EvaluationContext mapped = ContextMapper.map(context);
        assertThat(mapped.attributes())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("device.os", "ios", "device.screen.width", 1170, "signedUpAt", at.toEpochMilli()));
    }

    @Test
    void listsAreRejectedByName() {
        ImmutableContext context = new ImmutableContext("c", Map.of("roles", new Value(List.of(new Value("admin")))));
        assertThatThrownBy(() -> ContextMapper.map(context))
                .isInstanceOfSatisfying(
                        ContextException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT))
                .hasMessageContaining("'roles'")
                .hasMessageContaining("list");

        ImmutableContext nested = new ImmutableContext(
                "c", Map.of("user", new Value(new ImmutableStructure(Map.of("groups", new Value(List.of()))))));
        assertThatThrownBy(() -> ContextMapper.map(nested)).hasMessageContaining("'user.groups'");
    }

    @Test
    void twoValuesFlatteningToOneNameAreRejected() {
        Map<String, Value> attributes = new LinkedHashMap<>();
        attributes.put("device.os", new Value("android"));
        attributes.put("device", new Value(new ImmutableStructure(Map.of("os", new Value("ios")))));
        assertThatThrownBy(() -> ContextMapper.map(new ImmutableContext("c", attributes)))
                .isInstanceOfSatisfying(
                        ContextException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT))
                .hasMessageContaining("'device.os'")
                .hasMessageContaining("twice");
    }

    @Test
    void nestingBeyondTheLimitIsRejected() {
        Value deep = new Value("leaf");
        for (int i = 0; i <= ContextMapper.MAX_DEPTH; i++) {
            deep = new Value(new ImmutableStructure(Map.of("n", deep)));
        }
        Value tooDeep = deep;
        assertThatThrownBy(() -> ContextMapper.map(new ImmutableContext("c", Map.of("root", tooDeep))))
                .hasMessageContaining("nested deeper than " + ContextMapper.MAX_DEPTH);

        Value fits = new Value("leaf");
        for (int i = 0; i < ContextMapper.MAX_DEPTH; i++) {
            fits = new Value(new ImmutableStructure(Map.of("n", fits)));
        }
        assertThat(ContextMapper.map(new ImmutableContext("c", Map.of("root", fits)))
                        .attributes())
                .containsOnlyKeys("root" + ".n".repeat(ContextMapper.MAX_DEPTH));
    }

    @Test
    void instantsOutsideEpochMillisAreRejected() {
        // ImmutableContext copies instants through epoch milliseconds and cannot hold this one at all
        MutableContext context = new MutableContext("c").add("at", Instant.MAX);
        assertThatThrownBy(() -> ContextMapper.map(context))
                .hasMessageContaining("'at'")
                .hasMessageContaining("instant");
    }

    @Test
    void attributesWithoutATargetingKeyAreRejected() {
        ImmutableContext context = new ImmutableContext(Map.of("country", new Value("DE"), "tier", new Value(1)));
        assertThatThrownBy(() -> ContextMapper.map(context))
                .isInstanceOfSatisfying(
                        ContextException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING))
                .hasMessageContaining("[country, tier]");
    }
}
