package dev.cutover.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.cutover.flags.Evaluation;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Reason;
import dev.cutover.flags.VariantType;
import dev.cutover.openfeature.internal.ContextView;
import dev.cutover.openfeature.internal.EvaluationMapper;
import dev.cutover.openfeature.internal.JsonValues;
import dev.cutover.testkit.TestFlags;
import dev.cutover.testkit.arbitraries.FlagArbitraries;
import dev.openfeature.sdk.BaseEvaluation;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Value;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * For any flag state and any context, evaluation through OpenFeature never throws and serves what
 * FlagClient serves directly for the same flag and context, with the reason and error code mapped
 * (specification requirements 2.2.2 to 2.2.7: value, reason, variant, error code and message), and
 * with types checked, never coerced: an integer evaluation of a fraction and an object evaluation
 * of a boolean, string or number flag serve the default with {@code TYPE_MISMATCH}.
 */
class ProviderEvaluationProperties {
    /** Generated schedules lie in 2001..2099; a fixed "now" in between makes some past, some future. */
    private static final Instant NOW = Instant.parse("2050-01-01T00:00:00Z");

    private static final boolean BOOLEAN_DEFAULT = true;
    private static final String STRING_DEFAULT = "default-string";
    private static final int INT_DEFAULT = -7;
    private static final double DOUBLE_DEFAULT = -7.5;
    private static final Value OBJECT_DEFAULT = new Value("default-object");

    private final TestFlags flags = new TestFlags(Clock.fixed(NOW, ZoneOffset.UTC));
    private final CutoverProvider provider = CutoverProvider.of(flags.client());
    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private final Client client;

    ProviderEvaluationProperties() {
        api.setProviderAndWait(provider);
        client = api.getClient();
    }

    @AfterProperty
    void close() {
        api.shutdown();
        flags.close();
    }

    /** One context twice: as OpenFeature builds it, and the Cutover context it stands for. */
    record Contexts(dev.openfeature.sdk.EvaluationContext openFeature, EvaluationContext cutover) {}

    @Provide
    Arbitrary<Flag> flags() {
        return FlagArbitraries.flags();
    }

    /**
     * Cutover's generated contexts, plus now and then a nested {@code device} structure and a
     * {@code signedUpAt} instant, each built independently on both sides.
     */
    @Provide
    Arbitrary<Contexts> contexts() {
        Arbitrary<Optional<Map<String, Object>>> device = Combinators.combine(
                        Arbitraries.of("ios", "android", ""),
                        Arbitraries.integers().between(-5, 5000))
                .as((os, build) -> Map.<String, Object>of("os", os, "build", build))
                .optional(0.3);
        Arbitrary<Optional<Instant>> signedUp = Arbitraries.longs()
                .between(0, 4_102_444_800_000L)
                .map(Instant::ofEpochMilli)
                .optional(0.3);
        return Combinators.combine(FlagArbitraries.contexts(), device, signedUp).as(ProviderEvaluationProperties::both);
    }

    private static Contexts both(
            EvaluationContext base, Optional<Map<String, Object>> device, Optional<Instant> signedUp) {
        String key = base.key();
        Map<String, Value> of = new HashMap<>();
        EvaluationContext.Builder cutover = key == null ? EvaluationContext.builder() : EvaluationContext.builder(key);
        base.attributes().forEach((name, value) -> {
            of.put(name, value(value));
            set(cutover, name, value);
        });
        device.ifPresent(d -> {
            Map<String, Value> fields = new HashMap<>();
            d.forEach((name, value) -> {
                fields.put(name, value(value));
                set(cutover, "device." + name, value);
            });
            of.put("device", new Value(new ImmutableStructure(fields)));
        });
        signedUp.ifPresent(at -> {
            of.put("signedUpAt", new Value(at));
            cutover.set("signedUpAt", at.toEpochMilli());
        });
        return new Contexts(key == null ? new MutableContext(of) : new MutableContext(key, of), cutover.build());
    }

    private static Value value(Object v) {
        try {
            return new Value(v);
        } catch (InstantiationException e) {
            throw new IllegalArgumentException("not an OpenFeature value: " + v, e);
        }
    }

    private static void set(EvaluationContext.Builder b, String name, Object v) {
        if (v instanceof String s) {
            b.set(name, s);
        } else if (v instanceof Number n) {
            b.set(name, n);
        } else if (v instanceof Boolean bool) {
            b.set(name, bool.booleanValue());
        } else {
            throw new IllegalArgumentException("unexpected attribute value " + v);
        }
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    @Label("Requirements 2.2.3 to 2.2.7, 2.3.2, 2.3.3, 1.4.14: value, variant, reason, error code, message and"
            + " metadata are FlagClient's, for generated flags and contexts")
    void openFeatureServesWhatFlagClientServes(
            @ForAll("flags") Flag flag, @ForAll boolean present, @ForAll("contexts") Contexts context) {
        if (present) {
            flags.clear().set(flag);
        } else {
            flags.clear();
        }
        String key = flag.key();
        dev.openfeature.sdk.EvaluationContext of = context.openFeature();
        EvaluationContext ctx = context.cutover();
        assertThat(ContextView.detached(of).context()).as("the viewed context").isEqualTo(ctx);
        compare(key, of, ctx);
    }

    /**
     * Any OpenFeature context, including what Cutover cannot compare (lists, deep nesting, odd names,
     * no targeting key): the provider never throws, and serves what FlagClient serves for the viewed
     * context, an attribute a rule cannot compare being {@code INVALID_CONTEXT} with a message
     * naming it (requirement 2.2.7: an error carries a code and a message).
     */
    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    @Label("Requirements 3.1.1, 3.1.2, 2.2.7: any OpenFeature context, with or without a targeting key, never"
            + " throws; an attribute no rule can compare is INVALID_CONTEXT")
    void anyContextNeverThrows(@ForAll("flags") Flag flag, @ForAll("anyContexts") MutableContext of) {
        flags.clear().set(flag);
        compare(flag.key(), of, ContextView.detached(of).context());
    }

    /** Every type, through the client and directly on the provider, against FlagClient on {@code ctx}. */
    private void compare(String key, dev.openfeature.sdk.EvaluationContext of, EvaluationContext ctx) {
        FlagClient direct = flags.client();
        Evaluation<Boolean> b = direct.booleanDetail(key, ctx, BOOLEAN_DEFAULT);
        agree(b, client.getBooleanDetails(key, BOOLEAN_DEFAULT, of), b.value());
        agree(b, provider.getBooleanEvaluation(key, BOOLEAN_DEFAULT, of), b.value());

        Evaluation<String> s = direct.stringDetail(key, ctx, STRING_DEFAULT);
        agree(s, client.getStringDetails(key, STRING_DEFAULT, of), s.value());
        agree(s, provider.getStringEvaluation(key, STRING_DEFAULT, of), s.value());

        Evaluation<Double> number = direct.doubleDetail(key, ctx, 0.0);
        double served = number.value();
        if (!number.isDefault() && (served != Math.rint(served) || Math.abs(served) > Integer.MAX_VALUE)) {
            mismatch(client.getIntegerDetails(key, INT_DEFAULT, of), INT_DEFAULT);
            mismatch(provider.getIntegerEvaluation(key, INT_DEFAULT, of), INT_DEFAULT);
        } else {
            Evaluation<Integer> i = direct.intDetail(key, ctx, INT_DEFAULT);
            agree(i, client.getIntegerDetails(key, INT_DEFAULT, of), i.value());
            agree(i, provider.getIntegerEvaluation(key, INT_DEFAULT, of), i.value());
        }

        Evaluation<Double> d = direct.doubleDetail(key, ctx, DOUBLE_DEFAULT);
        agree(d, client.getDoubleDetails(key, DOUBLE_DEFAULT, of), d.value());
        agree(d, provider.getDoubleEvaluation(key, DOUBLE_DEFAULT, of), d.value());

        Evaluation<JsonNode> o = direct.jsonDetail(key, ctx, JsonNode.class, NullNode.getInstance());
        if (o.type() != null && o.type() != VariantType.JSON) {
            mismatch(client.getObjectDetails(key, OBJECT_DEFAULT, of), OBJECT_DEFAULT);
            mismatch(provider.getObjectEvaluation(key, OBJECT_DEFAULT, of), OBJECT_DEFAULT);
        } else {
            Value expected = o.isDefault() ? OBJECT_DEFAULT : JsonValues.toValue(o.value());
            agree(o, client.getObjectDetails(key, OBJECT_DEFAULT, of), expected);
            agree(o, provider.getObjectEvaluation(key, OBJECT_DEFAULT, of), expected);
        }
    }

    private static void mismatch(BaseEvaluation<?> openFeature, Object defaultValue) {
        assertThat(openFeature.getValue()).isEqualTo(defaultValue);
        assertThat(openFeature.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(openFeature.getReason()).isEqualTo("ERROR");
        assertThat(openFeature.getErrorMessage()).isNotBlank();
    }

    /** Same value, variant, reason and error (mapped) on both sides, and the flag's own metadata. */
    private static void agree(Evaluation<?> direct, BaseEvaluation<?> openFeature, Object value) {
        assertThat(openFeature.getValue()).as("value of %s", direct).isEqualTo(value);
        assertThat(openFeature.getVariant()).as("variant of %s", direct).isEqualTo(direct.variant());
        ErrorCode expected = direct.reason() == Reason.FLAG_NOT_FOUND
                ? ErrorCode.FLAG_NOT_FOUND
                : direct.errorCode() == null ? null : EvaluationMapper.errorCode(direct.errorCode());
        assertThat(openFeature.getErrorCode())
                .as("error code of %s (%s)", direct, openFeature.getErrorMessage())
                .isEqualTo(expected);
        assertThat(openFeature.getErrorCode()).as("never a failure").isNotEqualTo(ErrorCode.GENERAL);
        if (expected != null) {
            assertThat(openFeature.getReason()).isEqualTo("ERROR");
            assertThat(openFeature.getErrorMessage()).isNotBlank();
            return;
        }
        String reason = switch (direct.reason()) {
            case OFF -> "DISABLED";
            case TARGET_MATCH, RULE_MATCH -> "TARGETING_MATCH";
            case ROLLOUT -> "SPLIT";
            case FALLTHROUGH -> "DEFAULT";
            case STATIC -> "STATIC";
            default -> throw new AssertionError("not a served reason: " + direct);
        };
        assertThat(openFeature.getReason()).as("reason of %s", direct).isEqualTo(reason);
        ImmutableMetadata metadata = openFeature instanceof ProviderEvaluation<?> p
                ? p.getFlagMetadata()
                : ((FlagEvaluationDetails<?>) openFeature).getFlagMetadata();
        Map<String, Object> reported = metadata == null ? Map.of() : metadata.asUnmodifiableMap();
        assertThat(reported).as("exactly the flag's own metadata").isEqualTo(direct.flagMetadata());
    }

    @Provide
    Arbitrary<MutableContext> anyContexts() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of(FlagArbitraries.ATTRIBUTES), Arbitraries.of("a", "a.b", "b", "targetingKey"));
        Arbitrary<Map<String, Value>> attributes =
                Arbitraries.maps(names, values(3)).ofMaxSize(5);
        Arbitrary<Optional<String>> key = FlagArbitraries.contextKeys().optional(0.8);
        return Combinators.combine(key, attributes).as((k, attrs) -> new MutableContext(k.orElse(null), attrs));
    }

    private static Arbitrary<Value> values(int depth) {
        Arbitrary<Value> scalars = Arbitraries.oneOf(
                Arbitraries.just(new Value()),
                Arbitraries.of(true, false).map(Value::new),
                Arbitraries.strings().ofMaxLength(6).map(Value::new),
                Arbitraries.integers().map(Value::new),
                Arbitraries.longs().map(Value::new),
                Arbitraries.doubles().map(Value::new),
                Arbitraries.longs()
                        .between(-1_000_000_000_000L, 1_000_000_000_000L)
                        .map(ms -> new Value(Instant.ofEpochMilli(ms))));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<Value> lists = values(depth - 1).list().ofMaxSize(3).map(l -> new Value(new ArrayList<>(l)));
        Arbitrary<Value> structures = Arbitraries.maps(Arbitraries.of("a", "b", "a.b", "os"), values(depth - 1))
                .ofMaxSize(3)
                .map(m -> new Value(new ImmutableStructure(m)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, scalars),
                net.jqwik.api.Tuple.of(1, lists),
                net.jqwik.api.Tuple.of(2, structures));
    }
}
