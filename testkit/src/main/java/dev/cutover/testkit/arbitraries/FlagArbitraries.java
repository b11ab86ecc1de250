package dev.cutover.testkit.arbitraries;

import static dev.cutover.testkit.arbitraries.ContextValues.attributeValue;
import static dev.cutover.testkit.arbitraries.ContextValues.decimals;
import static dev.cutover.testkit.arbitraries.ContextValues.domainValue;
import static dev.cutover.testkit.arbitraries.ContextValues.setAttribute;
import static dev.cutover.testkit.arbitraries.VariantValues.instants;
import static dev.cutover.testkit.arbitraries.VariantValues.variants;

import dev.cutover.flags.Allocation;
import dev.cutover.flags.Clause;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Operator;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.Target;
import dev.cutover.flags.VariantType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.jspecify.annotations.Nullable;

/**
 * jqwik generators for Cutover flags: valid flag keys, evaluation contexts, complete valid
 * {@link Flag}s of every {@link VariantType} (sometimes without an off-variant, sometimes with
 * {@link Flag#metadata() metadata}), and invalid flag documents for rejection tests.
 *
 * <p>Contexts and rules draw attributes and values from one small vocabulary ({@link #ATTRIBUTES},
 * {@link #CONTEXT_KEYS}), so generated rules and targets match generated contexts often enough to
 * exercise every branch of evaluation: targets, each operator (negated or not), numeric and
 * semantic-version comparisons, fixed and percentage serves, scheduled definitions. Contexts
 * sometimes carry attributes of the wrong type, which rules must treat as non-matching.
 *
 * <pre>{@code
 * @Property(tries = 300)
 * void evaluationNeverThrows(@ForAll("flags") Flag flag, @ForAll("contexts") EvaluationContext ctx) {
 *   testFlags.set(flag);
 *   testFlags.client().stringValue(flag.key(), ctx, "default");
 * }
 *
 * @Provide Arbitrary<Flag> flags() { return FlagArbitraries.flags(); }
 * @Provide Arbitrary<EvaluationContext> contexts() { return FlagArbitraries.contexts(); }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FlagArbitraries {

    /** Targeting keys that contexts mostly use and targets and {@code key} clauses refer to. */
    public static final List<String> CONTEXT_KEYS = List.of(
            "customer-1",
            "customer-2",
            "customer-3",
            "customer-4",
            "customer-5",
            "customer-6",
            "order-17",
            "order-42",
            "tenant-a",
            "tenant-b");

    /**
     * The attribute vocabulary of contexts and clauses: {@code country}, {@code plan} and
     * {@code email} are strings, {@code tier} an integer, {@code score} a decimal, {@code beta} a
     * boolean and {@code appVersion} a semantic version. Clauses may also name {@code key} (the
     * targeting key) and {@code region}, which no generated context has.
     */
    public static final List<String> ATTRIBUTES =
            List.of("country", "plan", "email", "tier", "score", "beta", "appVersion");

    /** Semantic versions used by {@code appVersion} attributes and semver clauses. */
    public static final List<String> VERSIONS = List.of(
            "0.9.0",
            "1.0.0",
            "1.2",
            "1.2.0",
            "1.2.3",
            "1.2.3-beta.1",
            "1.2.3-rc.2",
            "2.0.0",
            "v2.1.0",
            "10.0.0+build.7");

    private static final List<String> KEY_WORDS = List.of(
            "orders",
            "payments",
            "checkout",
            "migration",
            "dual-write",
            "shadow-read",
            "cutover",
            "new_store",
            "v2",
            "eu",
            "batch-size",
            "kill_switch");
    private static final List<String> BUCKET_ATTRIBUTES = List.of("key", "country", "tier", "plan", "email", "region");
    private static final String KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    private static final int TOTAL_THOUSANDTHS = 100_000;

    private FlagArbitraries() {}

    // ---------------------------------------------------------------------------------------------
    // keys and contexts

    /** Valid flag keys ({@link Flag#KEY_PATTERN}): mostly dotted names, sometimes any valid text. */
    public static Arbitrary<String> flagKeys() {
        Arbitrary<String> dotted =
                Arbitraries.of(KEY_WORDS).list().ofMinSize(1).ofMaxSize(3).map(words -> String.join(".", words));
        Arbitrary<String> any = Arbitraries.strings()
                .withChars(KEY_CHARS.toCharArray())
                .ofMinLength(1)
                .ofMaxLength(128);
        return weighted(w(4, dotted), w(1, any));
    }

    /** Targeting keys: mostly from {@link #CONTEXT_KEYS}, sometimes other text. */
    public static Arbitrary<String> contextKeys() {
        return weighted(
                w(9, Arbitraries.of(CONTEXT_KEYS)),
                w(
                        1,
                        Arbitraries.strings()
                                .alpha()
                                .numeric()
                                .withChars('-', ' ', 'é')
                                .ofMaxLength(20)));
    }

    /**
     * Evaluation contexts: a targeting key and a random subset of the {@link #ATTRIBUTES}, values
     * mostly of the right type; now and then {@link EvaluationContext#empty()}.
     */
    public static Arbitrary<EvaluationContext> contexts() {
        Arbitrary<EvaluationContext> keyed = Combinators.combine(
                        contextKeys().injectNull(0.1),
                        attributeValue("country").injectNull(0.4),
                        attributeValue("plan").injectNull(0.4),
                        attributeValue("email").injectNull(0.5),
                        attributeValue("tier").injectNull(0.4),
                        attributeValue("score").injectNull(0.5),
                        attributeValue("beta").injectNull(0.5),
                        attributeValue("appVersion").injectNull(0.4))
                .as((key, country, plan, email, tier, score, beta, version) -> {
                    // now and then no targeting key: attributes only (an anonymous visitor)
                    EvaluationContext.Builder b =
                            key == null ? EvaluationContext.builder() : EvaluationContext.builder(key);
                    setAttribute(b, "country", country);
                    setAttribute(b, "plan", plan);
                    setAttribute(b, "email", email);
                    setAttribute(b, "tier", tier);
                    setAttribute(b, "score", score);
                    setAttribute(b, "beta", beta);
                    setAttribute(b, "appVersion", version);
                    return b.build();
                });
        return weighted(w(15, keyed), w(1, Arbitraries.just(EvaluationContext.empty())));
    }

    // ---------------------------------------------------------------------------------------------
    // clauses, rules, serves

    /** Clauses over every {@link Operator}, negated about one time in four. */
    public static Arbitrary<Clause> clauses() {
        return Combinators.combine(
                        Arbitraries.of(Operator.class).flatMap(FlagArbitraries::clauses),
                        Arbitraries.integers().between(0, 3))
                .as((clause, n) -> n == 0 ? clause.negated() : clause);
    }

    /** Valid, non-negated clauses with the given operator over the attribute vocabulary. */
    public static Arbitrary<Clause> clauses(Operator op) {
        return switch (op) {
            case EQUALS, IN ->
                Arbitraries.of("country", "plan", "email", "tier", "score", "beta", "appVersion", "key", "region")
                        .flatMap(attribute -> domainValue(attribute)
                                .list()
                                .ofMinSize(1)
                                .ofMaxSize(op == Operator.EQUALS ? 1 : 3)
                                .map(values -> new Clause(attribute, op, values, false)));
            case STARTS_WITH, ENDS_WITH, CONTAINS ->
                Arbitraries.of("country", "plan", "email", "appVersion", "key")
                        .flatMap(attribute -> fragment(attribute, op)
                                .list()
                                .ofMinSize(1)
                                .ofMaxSize(2)
                                .map(values -> new Clause(attribute, op, values, false)));
            case LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL ->
                Arbitraries.of("tier", "score")
                        .flatMap(attribute -> weighted(
                                        w(1, obj(Arbitraries.integers().between(-1, 6))),
                                        w(1, obj(decimals(-10, 110, 2))))
                                .list()
                                .ofMinSize(1)
                                .ofMaxSize(2)
                                .map(values -> new Clause(attribute, op, values, false)));
            case SEMVER_EQUAL, SEMVER_LESS_THAN, SEMVER_GREATER_THAN ->
                obj(Arbitraries.of(VERSIONS))
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(2)
                        .map(values -> new Clause("appVersion", op, values, false));
        };
    }

    /** A prefix, suffix or substring of a vocabulary value, fitting the string operator. */
    private static Arbitrary<Object> fragment(String attribute, Operator op) {
        return domainValue(attribute)
                .map(String::valueOf)
                .flatMap(s -> Combinators.combine(
                                Arbitraries.integers().between(0, s.length()),
                                Arbitraries.integers().between(0, s.length()))
                        .as((a, b) -> {
                            int from = Math.min(a, b);
                            int to = Math.max(a, b);
                            if (op == Operator.STARTS_WITH) {
                                from = 0;
                            } else if (op == Operator.ENDS_WITH) {
                                to = s.length();
                            }
                            return (Object) s.substring(from, to);
                        }));
    }

    /** Fixed or rollout serves over the given variant names. */
    public static Arbitrary<Serve> serves(List<String> variantNames) {
        return weighted(
                w(3, Arbitraries.of(variantNames).map(Serve::variant)),
                w(2, rollouts(variantNames).map(Serve::rollout)));
    }

    /**
     * Rollouts over a non-empty subset of the variant names, each share a whole number of
     * thousandths of a percent, together exactly 100%.
     */
    public static Arbitrary<Rollout> rollouts(List<String> variantNames) {
        if (variantNames.isEmpty()) {
            throw new IllegalArgumentException("a rollout needs at least one variant name");
        }
        Arbitrary<List<Allocation>> allocations = Arbitraries.shuffle(variantNames)
                .flatMap(shuffled -> Arbitraries.integers()
                        .between(1, shuffled.size())
                        .flatMap(n -> Arbitraries.integers()
                                .between(0, TOTAL_THOUSANDTHS)
                                .withDistribution(RandomDistribution.uniform())
                                .list()
                                .ofSize(n - 1)
                                .map(cuts -> allocations(shuffled.subList(0, n), cuts))));
        return Combinators.combine(
                        allocations,
                        Arbitraries.of(BUCKET_ATTRIBUTES).injectNull(0.4),
                        Arbitraries.of("seed-1", "2024-q3", "reshuffle").injectNull(0.7))
                .as((alloc, bucketBy, seed) -> new Rollout(bucketBy, seed, alloc));
    }

    private static List<Allocation> allocations(List<String> names, List<Integer> cuts) {
        List<Integer> points = new ArrayList<>(cuts);
        points.add(0);
        points.add(TOTAL_THOUSANDTHS);
        points.sort(null);
        List<Allocation> result = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int thousandths = points.get(i + 1) - points.get(i);
            result.add(new Allocation(names.get(i), thousandths / 1000.0));
        }
        return result;
    }

    /** Rules of one to three clauses serving one of the variant names. */
    public static Arbitrary<Rule> rules(List<String> variantNames) {
        return Combinators.combine(
                        clauses().list().ofMinSize(1).ofMaxSize(3),
                        serves(variantNames),
                        Arbitraries.of("big customers", "beta testers", "EU first")
                                .injectNull(0.6))
                .as(Rule::new);
    }

    /** Zero to three individual targets with disjoint key sets from {@link #CONTEXT_KEYS}. */
    public static Arbitrary<List<Target>> targets(List<String> variantNames) {
        return Arbitraries.integers().between(0, 2).flatMap(count -> {
            if (count == 0) {
                return Arbitraries.just(List.<Target>of());
            }
            return Combinators.combine(
                            Arbitraries.of(variantNames).list().ofSize(count),
                            Arbitraries.of(CONTEXT_KEYS)
                                    .list()
                                    .uniqueElements()
                                    .ofMinSize(count)
                                    .ofMaxSize(6))
                    .as((variants, keys) -> {
                        List<Target> targets = new ArrayList<>();
                        for (int t = 0; t < count; t++) {
                            Set<String> mine = new LinkedHashSet<>();
                            for (int i = t; i < keys.size(); i += count) {
                                mine.add(keys.get(i));
                            }
                            targets.add(new Target(variants.get(t), mine));
                        }
                        return targets;
                    });
        });
    }

    // ---------------------------------------------------------------------------------------------
    // flags

    /** Complete valid flags of every variant type. */
    public static Arbitrary<Flag> flags() {
        return Arbitraries.of(VariantType.class).flatMap(FlagArbitraries::flags);
    }

    /**
     * Complete valid flags of one variant type: variants, off switch, targets, rules over all
     * operators, fixed or rollout fallthrough, and in about one case of four a schedule
     * ({@code effectiveAt}, with or without a previous definition). Some carry a version and audit
     * fields as a store would have set them.
     */
    public static Arbitrary<Flag> flags(VariantType type) {
        return flagKeys().flatMap(key -> flags(key, type));
    }

    /** Complete valid flags with the given key and variant type. */
    public static Arbitrary<Flag> flags(String key, VariantType type) {
        Arbitrary<Optional<Schedule>> schedule = weighted(
                w(2, Arbitraries.just(Optional.<Schedule>empty())),
                w(
                        1,
                        Combinators.combine(
                                        instants(), unscheduledFlags(key, type).optional(0.6))
                                .as((at, previous) -> Optional.of(new Schedule(at, previous.orElse(null))))));
        return Combinators.combine(
                        unscheduledFlags(key, type),
                        schedule,
                        weighted(
                                w(3, Arbitraries.just(0L)),
                                w(1, Arbitraries.longs().between(1, 1_000_000))),
                        instants().injectNull(0.6),
                        Arbitraries.of("alice", "deploy-bot", "testkit").injectNull(0.6))
                .as((flag, sched, version, updatedAt, updatedBy) -> {
                    Flag.Builder b = flag.toBuilder()
                            .version(version)
                            .updatedAt(updatedAt)
                            .updatedBy(updatedBy);
                    sched.ifPresent(sc -> b.effectiveAt(sc.at, sc.previous));
                    return b.build();
                });
    }

    private record Schedule(Instant at, @Nullable Flag previous) {}

    /**
     * Valid flag metadata: mostly empty, else up to five entries of strings, booleans, longs and
     * finite doubles under names that include spaces, punctuation and non-ASCII letters.
     *
     * @since 0.1.0
     */
    public static Arbitrary<Map<String, Object>> metadata() {
        Arbitrary<String> names = weighted(
                w(3, Arbitraries.of("owner", "ticket", "temporary", "expires", "team", "cost.center", "größe", "a b")),
                w(
                        1,
                        Arbitraries.strings()
                                .withCharRange('!', '~')
                                .ofMinLength(1)
                                .ofMaxLength(128)));
        Arbitrary<Object> values = Arbitraries.oneOf(
                obj(Arbitraries.of("team-orders", "", "OPS-1234", "2026-03-01", "ünïcode ✓")),
                obj(Arbitraries.strings().ofMaxLength(1024)),
                obj(Arbitraries.of(true, false)),
                obj(Arbitraries.longs()),
                obj(Arbitraries.of(0.0, -1.5, 0.1, 1e-300, 1e300, Double.MAX_VALUE, -0.25)),
                obj(Arbitraries.doubles()));
        Arbitrary<Map<String, Object>> some = Arbitraries.maps(names, values)
                .ofMinSize(1)
                .ofMaxSize(5)
                .map(m -> (Map<String, Object>) new LinkedHashMap<>(m));
        return weighted(w(2, Arbitraries.just(Map.<String, Object>of())), w(1, some));
    }

    /** Valid flags without schedule, version or audit fields. */
    private static Arbitrary<Flag> unscheduledFlags(String key, VariantType type) {
        return variants(type).flatMap(variants -> {
            List<String> names = List.copyOf(variants.keySet());
            return Combinators.combine(
                            Arbitraries.integers().between(0, 7).map(n -> n != 0),
                            Arbitraries.of(names).injectNull(0.25),
                            targets(names),
                            rules(names).list().ofMaxSize(3),
                            serves(names),
                            Arbitraries.of("migration switch", "owned by team orders")
                                    .injectNull(0.7),
                            metadata())
                    .as((on, off, targets, rules, fallthrough, description, metadata) -> {
                        Flag.Builder b = Flag.builder(key).type(type);
                        variants.forEach(b::variant);
                        b.on(on).offVariant(off).rules(rules).fallthrough(fallthrough);
                        targets.forEach(b::target);
                        return b.description(description).metadata(metadata).build();
                    });
        });
    }

    // ---------------------------------------------------------------------------------------------
    // invalid documents

    /** Invalid flag documents of every {@link InvalidFlagDocument.Kind}. */
    public static Arbitrary<InvalidFlagDocument> invalidFlagDocuments() {
        return Arbitraries.of(InvalidFlagDocument.Kind.class).flatMap(FlagArbitraries::invalidFlagDocuments);
    }

    /**
     * Invalid flag documents of one kind, each made by breaking one thing in an otherwise valid
     * generated flag. Every document names its intended key; all but
     * {@link InvalidFlagDocument.Kind#MALFORMED_JSON} are well-formed JSON objects, so they can be
     * stored in any store that holds JSON.
     */
    public static Arbitrary<InvalidFlagDocument> invalidFlagDocuments(InvalidFlagDocument.Kind kind) {
        return switch (kind) {
            case MALFORMED_JSON -> InvalidDocuments.malformed();
            case UNKNOWN_OPERATOR -> InvalidDocuments.unknownOperator();
            case VARIANT_TYPE_MISMATCH -> InvalidDocuments.typeMismatch();
            case ROLLOUT_NOT_100 -> InvalidDocuments.rolloutNot100();
            case BAD_KEY -> InvalidDocuments.badKey();
            case INVALID_METADATA -> InvalidDocuments.invalidMetadata();
        };
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    static <T> Tuple2<Integer, Arbitrary<T>> w(int weight, Arbitrary<T> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }

    @SafeVarargs
    static <T> Arbitrary<T> weighted(Tuple2<Integer, Arbitrary<T>>... choices) {
        List<Tuple2<Integer, Arbitrary<T>>> list = new ArrayList<>(choices.length);
        for (Tuple2<Integer, Arbitrary<T>> choice : choices) {
            list.add(choice);
        }
        return Arbitraries.frequencyOf(list);
    }

    static Arbitrary<Object> obj(Arbitrary<?> arbitrary) {
        return arbitrary.map(x -> (Object) x);
    }
}
