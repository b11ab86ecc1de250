package dev.cutover.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.flags.Allocation;
import dev.cutover.flags.Clause;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Operator;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.Target;
import dev.cutover.flags.VariantType;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.testkit.TestFlags;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Evaluations through the OpenFeature client API against a real FlagClient over a real store. */
class CutoverProviderTest {
    private static final Instant LAUNCH = Instant.parse("2024-06-01T00:00:00Z");

    private final TestFlags flags = new TestFlags();
    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private Client client;

    @BeforeEach
    void setUp() {
        flags.set(Flag.builder("checkout")
                        .booleanVariants()
                        .target(Target.of("true", "customer-vip"))
                        .rule(Rule.when(Serve.variant("true"), Clause.of("country", Operator.EQUALS, "DE")))
                        .rule(Rule.when(Serve.variant("true"), Clause.of("device.os", Operator.EQUALS, "ios")))
                        .rule(Rule.when(
                                Serve.variant("true"),
                                Clause.of("signedUpAt", Operator.GREATER_THAN_OR_EQUAL, LAUNCH.toEpochMilli())))
                        .fallthrough(Serve.variant("false"))
                        .build())
                .set(Flag.builder("split")
                        .booleanVariants()
                        .fallthrough(Serve.rollout(Rollout.of(new Allocation("true", 50), new Allocation("false", 50))))
                        .build())
                .set(Flag.builder("killed")
                        .booleanVariants()
                        .on(false)
                        .offVariant("false")
                        .build())
                .set("banner", "spring-sale")
                .set("batch-size", 250)
                .set("sample-rate", 0.25)
                .set(Flag.builder("limits")
                        .type(VariantType.JSON)
                        .variant(
                                "default",
                                json(
                                        "{\"rps\": 100, \"burst\": 2.5, \"big\": 9007199254740993, \"tags\": [\"a\", null], \"on\": true}"))
                        .build());
        api.setProviderAndWait(CutoverProvider.of(flags.client()));
        client = api.getClient();
    }

    @AfterEach
    void tearDown() {
        api.shutdown();
        flags.close();
    }

    @Test
    @DisplayName("Requirements 2.2.3 to 2.2.6, 2.2.9: value, variant and reason of each kind of result, no error code,"
            + " and only the flag's own metadata")
    void reasonsVariantsAndMetadataAreMapped() {
        FlagEvaluationDetails<Boolean> target =
                client.getBooleanDetails("checkout", false, new ImmutableContext("customer-vip"));
        assertThat(target.getValue()).isTrue();
        assertThat(target.getVariant()).isEqualTo("true");
        assertThat(target.getReason()).isEqualTo(Reason.TARGETING_MATCH.name());
        assertThat(target.getErrorCode()).isNull();
        assertThat(target.getErrorMessage()).as("requirement 2.3.2").isNull();
        assertThat(target.getFlagMetadata().isEmpty())
                .as("a flag without metadata reports none (requirement 1.4.14: an empty record)")
                .isTrue();

        FlagEvaluationDetails<Boolean> rule =
                client.getBooleanDetails("checkout", false, context("customer-1", Map.of("country", new Value("DE"))));
        assertThat(rule.getValue()).isTrue();
        assertThat(rule.getReason()).isEqualTo(Reason.TARGETING_MATCH.name());

        FlagEvaluationDetails<Boolean> fallthrough =
                client.getBooleanDetails("checkout", true, new ImmutableContext("customer-1"));
        assertThat(fallthrough.getValue()).isFalse();
        assertThat(fallthrough.getVariant()).isEqualTo("false");
        assertThat(fallthrough.getReason()).isEqualTo(Reason.DEFAULT.name());

        FlagEvaluationDetails<Boolean> split = client.getBooleanDetails("split", false, new ImmutableContext("c-7"));
        assertThat(split.getReason()).isEqualTo(Reason.SPLIT.name());
        assertThat(split.getValue())
                .isEqualTo(flags.client().booleanValue("split", dev.cutover.flags.EvaluationContext.of("c-7"), false));

        FlagEvaluationDetails<Boolean> off = client.getBooleanDetails("killed", true);
        assertThat(off.getValue()).isFalse();
        assertThat(off.getVariant()).isEqualTo("false");
        assertThat(off.getReason()).isEqualTo(Reason.DISABLED.name());

        FlagEvaluationDetails<String> fixed = client.getStringDetails("banner", "none", new ImmutableContext("c-1"));
        assertThat(fixed.getValue()).isEqualTo("spring-sale");
        assertThat(fixed.getReason())
                .as("no targets, rules or rollout: the value cannot vary by context")
                .isEqualTo(Reason.STATIC.name());
    }

    @Test
    @DisplayName("Condition 2.2.2: boolean, string, integer, double and structure resolution; types are checked, never"
            + " coerced")
    void everyTypeIsServed() {
        assertThat(client.getStringDetails("banner", "none").getValue()).isEqualTo("spring-sale");
        assertThat(client.getStringDetails("banner", "none").getVariant()).isEqualTo("spring-sale");
        assertThat(client.getIntegerValue("batch-size", 1)).isEqualTo(250);
        assertThat(client.getDoubleValue("batch-size", 1.0)).isEqualTo(250.0);
        assertThat(client.getDoubleValue("sample-rate", 1.0)).isEqualTo(0.25);
        FlagEvaluationDetails<Integer> fraction = client.getIntegerDetails("sample-rate", 7);
        assertThat(fraction.getValue()).as("never truncated").isEqualTo(7);
        assertThat(fraction.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(fraction.getErrorMessage()).contains("'sample-rate'").contains("0.25");
        assertThat(client.getLongValue("batch-size", 1L)).isEqualTo(250L);

        Value limits = client.getObjectValue("limits", new Value("none"));
        assertThat(limits.isStructure()).isTrue();
        assertThat(limits.asStructure().getValue("rps").asObject()).isEqualTo(100);
        assertThat(limits.asStructure().getValue("burst").asObject()).isEqualTo(2.5);
        assertThat(limits.asStructure().getValue("big").asObject()).isEqualTo(9007199254740993L);
        assertThat(limits.asStructure().getValue("on").asBoolean()).isTrue();
        List<Value> tags = limits.asStructure().getValue("tags").asList();
        assertThat(tags.get(0).asString()).isEqualTo("a");
        assertThat(tags.get(1).isNull()).isTrue();
        for (String scalar : List.of("banner", "batch-size", "checkout")) {
            FlagEvaluationDetails<Value> object = client.getObjectDetails(scalar, new Value(1));
            assertThat(object.getValue().asInteger()).as(scalar).isEqualTo(1);
            assertThat(object.getErrorCode()).as(scalar).isEqualTo(ErrorCode.TYPE_MISMATCH);
            assertThat(object.getErrorMessage()).contains("object evaluation reads JSON flags");
        }
    }

    @Test
    @DisplayName("Requirements 2.2.7 and 2.3.3: a missing flag or a wrong type is an error code with a message, and"
            + " the default")
    void missingFlagsAndWrongTypesServeTheDefaultWithAnErrorCode() {
        FlagEvaluationDetails<Boolean> missing = client.getBooleanDetails("no-such-flag", true);
        assertThat(missing.getValue()).isTrue();
        assertThat(missing.getReason()).isEqualTo(Reason.ERROR.name());
        assertThat(missing.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
        assertThat(missing.getErrorMessage()).contains("'no-such-flag'");
        assertThat(missing.getVariant()).isNull();

        FlagEvaluationDetails<String> wrong = client.getStringDetails("checkout", "fallback");
        assertThat(wrong.getValue()).isEqualTo("fallback");
        assertThat(wrong.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(wrong.getErrorMessage()).contains("'checkout'").contains("string");

        assertThat(client.getIntegerDetails("banner", 3).getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(client.getDoubleDetails("checkout", 3.0).getValue()).isEqualTo(3.0);
        Value fallback = new Value("fallback");
        assertThat(client.getObjectDetails("no-such-flag", fallback).getValue()).isSameAs(fallback);
    }

    @Test
    void nestedStructuresFlattenToDottedNamesAndInstantsToEpochMillis() {
        MutableContext ios = new MutableContext("customer-2");
        ios.add("device", new ImmutableStructure(Map.of("os", new Value("ios"), "build", new Value(412))));
        assertThat(client.getBooleanValue("checkout", false, ios)).isTrue();

        MutableContext android = new MutableContext("customer-2");
        android.add("device", new ImmutableStructure(Map.of("os", new Value("android"))));
        assertThat(client.getBooleanValue("checkout", true, android)).isFalse();

        assertThat(client.getBooleanValue(
                        "checkout",
                        false,
                        context("customer-3", Map.of("signedUpAt", new Value(LAUNCH.plusSeconds(60))))))
                .isTrue();
        assertThat(client.getBooleanValue(
                        "checkout",
                        true,
                        context("customer-3", Map.of("signedUpAt", new Value(LAUNCH.minusSeconds(60))))))
                .isFalse();

        assertThat(client.getBooleanValue("checkout", true, context("customer-3", Map.of("country", new Value()))))
                .as("null is absent")
                .isFalse();
    }

    @Test
    @DisplayName("Requirement 3.2.3: API, client and invocation contexts are merged, the invocation's winning")
    void theApiAndClientContextsAreMergedBeforeMapping() {
        api.setEvaluationContext(new ImmutableContext(Map.of("country", new Value("DE"))));
        assertThat(client.getBooleanDetails("checkout", false, new ImmutableContext("customer-4"))
                        .getValue())
                .isTrue();
        assertThat(client.getBooleanDetails("checkout", true, context("customer-4", Map.of("country", new Value("FR"))))
                        .getValue())
                .as("the invocation's attribute overrides the global one")
                .isFalse();
        assertThat(client.getBooleanDetails("checkout", false).getErrorCode())
                .as("the flag has individual targets: it needs the key the merged context lacks")
                .isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
        client.setEvaluationContext(new ImmutableContext("customer-vip"));
        assertThat(client.getBooleanDetails("checkout", false).getReason())
                .as("the client's targeting key")
                .isEqualTo(Reason.TARGETING_MATCH.name());
    }

    @Test
    @DisplayName("Requirements 2.2.9, 2.2.10 and 1.4.14: the flag's own metadata, exactly; versions only when exposed")
    void flagMetadataIsTheFlagsOwn() {
        flags.set(Flag.builder("tagged")
                .booleanVariants()
                .metadata("owner", "team-orders")
                .metadata("ticket", 123)
                .metadata("temporary", true)
                .metadata("weight", 0.5)
                .build());
        FlagEvaluationDetails<Boolean> tagged = client.getBooleanDetails("tagged", true, new ImmutableContext("c"));
        assertThat(tagged.getFlagMetadata().asUnmodifiableMap())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("owner", "team-orders", "ticket", 123L, "temporary", true, "weight", 0.5));
        assertThat(tagged.getFlagMetadata().getLong("ticket")).isEqualTo(123L);
        assertThat(client.getBooleanDetails("split", true, new ImmutableContext("c"))
                        .getFlagMetadata()
                        .isEmpty())
                .isTrue();

        OpenFeatureAPI exposing = OpenFeatureAPI.createIsolated();
        try {
            exposing.setProviderAndWait(CutoverProvider.builder(flags.client())
                    .exposeFlagVersions(true)
                    .build());
            Client c = exposing.getClient();
            FlagEvaluationDetails<Boolean> withVersions =
                    c.getBooleanDetails("tagged", true, new ImmutableContext("c"));
            assertThat(withVersions.getFlagMetadata().getString("owner")).isEqualTo("team-orders");
            assertThat(withVersions.getFlagMetadata().getLong("flagVersion"))
                    .isEqualTo(flags.get("tagged").orElseThrow().version());
            assertThat(withVersions.getFlagMetadata().getLong("revision"))
                    .isEqualTo(flags.client().status().revision());
            assertThat(withVersions.getFlagMetadata().getInteger("ruleIndex")).isNull();
            FlagEvaluationDetails<Boolean> rule =
                    c.getBooleanDetails("checkout", false, context("customer-1", Map.of("country", new Value("DE"))));
            assertThat(rule.getFlagMetadata().getInteger("ruleIndex")).isZero();
        } finally {
            exposing.shutdown();
        }
    }

    @Test
    @DisplayName("Requirement 2.2.5: an off flag is DISABLED, serving its off variant, or the caller's default when it"
            + " names none")
    void anOffFlagWithoutAnOffVariantServesTheCallersDefault() {
        flags.set(Flag.builder("dark")
                .type(VariantType.STRING)
                .variant("a", "a")
                .variant("b", "b")
                .offVariant(null)
                .on(false)
                .build());
        FlagEvaluationDetails<String> dark = client.getStringDetails("dark", "mine", new ImmutableContext("c"));
        assertThat(dark.getValue()).isEqualTo("mine");
        assertThat(dark.getVariant()).isNull();
        assertThat(dark.getReason()).isEqualTo(Reason.DISABLED.name());
        assertThat(dark.getErrorCode()).isNull();
        FlagEvaluationDetails<Boolean> killed = client.getBooleanDetails("killed", true);
        assertThat(killed.getValue()).as("names its off variant").isFalse();
        assertThat(killed.getReason()).isEqualTo(Reason.DISABLED.name());
    }

    @Test
    @DisplayName("Requirements 3.1.1 and 3.1.2: the targeting key is optional; an attribute no rule can compare is an"
            + " error only when a rule reads it")
    void contextsCutoverCannotRepresentAreReportedNotDropped() {
        FlagEvaluationDetails<Boolean> list = client.getBooleanDetails(
                "checkout", true, context("customer-1", Map.of("country", new Value(List.of(new Value("DE"))))));
        assertThat(list.getValue()).isTrue();
        assertThat(list.getReason()).isEqualTo(Reason.ERROR.name());
        assertThat(list.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);
        assertThat(list.getErrorMessage()).contains("'country'").contains("list");

        FlagEvaluationDetails<Boolean> unread = client.getBooleanDetails(
                "checkout", true, context("customer-1", Map.of("roles", new Value(List.of(new Value("admin"))))));
        assertThat(unread.getErrorCode()).as("no rule reads 'roles'").isNull();
        assertThat(unread.getValue()).isFalse();

        ImmutableContext keyless = new ImmutableContext(Map.of("country", new Value("DE")));
        FlagEvaluationDetails<String> anonymous = client.getStringDetails("banner", "none", keyless);
        assertThat(anonymous.getValue())
                .as("a flag that needs no key serves a keyless context")
                .isEqualTo("spring-sale");
        assertThat(anonymous.getErrorCode()).isNull();

        FlagEvaluationDetails<Boolean> split = client.getBooleanDetails("split", true, keyless);
        assertThat(split.getValue()).isTrue();
        assertThat(split.getErrorCode())
                .as("a rollout is bucketed by the key")
                .isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
        assertThat(split.getErrorMessage()).contains("'split'").contains("targeting key");

        assertThat(client.getStringValue("banner", "none", new ImmutableContext()))
                .isEqualTo("spring-sale");
    }

    @Test
    void aClientWithoutDataIsNotReadyAndReportsEvaluationsAsSuch() {
        SwitchableStore store = new SwitchableStore(new InMemoryFlagStore()).down();
        try (FlagClient empty =
                FlagClient.builder(store).startupTimeout(Duration.ZERO).build()) {
            OpenFeatureAPI isolated = OpenFeatureAPI.createIsolated();
            try {
                assertThatThrownBy(() -> isolated.setProviderAndWait(CutoverProvider.of(empty)))
                        .isInstanceOf(OpenFeatureError.class)
                        .hasMessageContaining("code defaults");
                Client notReady = isolated.getClient();
                assertThat(notReady.getProviderState()).isEqualTo(ProviderState.ERROR);
                FlagEvaluationDetails<Boolean> d = notReady.getBooleanDetails("checkout", true);
                assertThat(d.getValue()).isTrue();
                assertThat(d.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_NOT_READY);
                assertThat(d.getErrorMessage()).contains("no flag snapshot");
            } finally {
                isolated.shutdown();
            }
        }
    }

    @Test
    void anOwningProviderClosesItsClientAndAPlainOneLeavesItOpen() {
        try (TestFlags other = new TestFlags()) {
            FlagClient owned = FlagClient.builder(other.store()).build();
            OpenFeatureAPI isolated = OpenFeatureAPI.createIsolated();
            CutoverProvider owning = CutoverProvider.owning(owned);
            assertThat(owning.ownsClient()).isTrue();
            isolated.setProviderAndWait(owning);
            isolated.shutdown();
            // the SDK shuts providers down on its own thread
            dev.cutover.testkit.Eventually.within(
                    Duration.ofSeconds(10),
                    "the owned client closed",
                    () -> owned.status().state() == ClientStatus.State.CLOSED);
        }
        api.shutdown();
        assertThat(flags.client().status().state()).isNotEqualTo(ClientStatus.State.CLOSED);
        assertThat(flags.client().stringValue("banner", dev.cutover.flags.EvaluationContext.empty(), "none"))
                .isEqualTo("spring-sale");
    }

    @Test
    void aProviderIsUsedOnce() {
        CutoverProvider provider = CutoverProvider.of(flags.client());
        provider.shutdown();
        provider.shutdown();
        OpenFeatureAPI isolated = OpenFeatureAPI.createIsolated();
        try {
            assertThatThrownBy(() -> isolated.setProviderAndWait(provider))
                    .isInstanceOf(OpenFeatureError.class)
                    .hasMessageContaining("shut down");
            assertThat(isolated.getClient().getProviderState()).isEqualTo(ProviderState.FATAL);
        } finally {
            isolated.shutdown();
        }
    }

    private static ImmutableContext context(String key, Map<String, Value> attributes) {
        return new ImmutableContext(key, attributes);
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
