package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.internal.Bucketing;
import dev.cutover.flags.internal.SemVer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.StatisticsReport;
import org.jspecify.annotations.Nullable;

/**
 * The client's evaluation against a plain reference: generated boolean and string flags (targets,
 * rules of every operator, negation, fixed and rolled-out serves, off with and without an
 * off-variant) evaluated for generated contexts (with and without a key, an explicit {@code key}
 * attribute, attribute names that are literals, copies of literals, or read through a view that may
 * reject a value). The reference below reads the documented semantics straight from the flag
 * model, one clause at a time, with none of the client's precomputation; every served variant,
 * reason, rule index, error code and value must agree, counted or not.
 */
class ReferenceEvaluationProperties {

    private static final List<String> NAMES = List.of("country", "plan", "email", "key", "score");
    private static final List<String> KEYS = List.of("customer-1", "customer-2", "ab", "x");
    /** Few short strings that are prefixes, suffixes and parts of one another: every string operator decides. */
    private static final List<Object> STRINGS =
            List.of("a", "b", "ab", "ba", "abc", "bc", "c", "", "DE", "de", "customer-1", "1.2.0");

    private static final List<Object> NUMBERS = List.of(0, 1, 2, -1, 7L, 1.5, 2.0, -0.5, 0.0, 9_007_199_254_740_993L);
    private static final List<Object> VERSIONS =
            List.of("1.2.0", "2.0.0", "1.10.0-beta.2", "v1.2", "0.9.9", "1.2.0-rc.1");
    private static final List<String> BUCKET_BY = List.of("key", "country", "email", "score", "missing");

    /** How the context under test is made. */
    enum Form {
        /** Built with the literal attribute names: found by identity. */
        LITERAL,
        /** Built with copies of the names: found by comparing characters. */
        COPIED,
        /** A view over a map. */
        VIEW
    }

    /** One generated context: what it holds, independent of its form. */
    record Subject(
            @Nullable String key,
            Map<String, Object> attributes,
            Form form,
            @Nullable String rejected) {

        EvaluationContext context() {
            if (form == Form.VIEW) {
                return EvaluationContext.view(new EvaluationContext.Source() {
                    @Override
                    public @Nullable String key() {
                        return key;
                    }

                    @Override
                    public @Nullable Object attribute(String name) {
                        if (name.equals(rejected)) {
                            throw new InvalidContextException(name, "not comparable");
                        }
                        return attributes.get(name);
                    }

                    @Override
                    public Set<String> names() {
                        return attributes.keySet();
                    }
                });
            }
            EvaluationContext.Builder b = key == null ? EvaluationContext.builder() : EvaluationContext.builder(key);
            attributes.forEach((name, value) -> {
                String n = form == Form.COPIED ? new String(name.toCharArray()) : name;
                if (value instanceof String s) {
                    b.set(n, s);
                } else if (value instanceof Number num) {
                    b.set(n, num);
                } else {
                    b.set(n, (Boolean) value);
                }
            });
            return b.build();
        }
    }

    /** What the reference decides. */
    record Expected(
            @Nullable String variant,
            Reason reason,
            @Nullable ErrorCode error,
            int ruleIndex) {}

    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Property(tries = 300)
    void clientAgreesWithTheReference(
            @ForAll("flagSets") List<Flag> generated,
            @ForAll("subjects") List<Subject> subjects,
            @ForAll boolean counted,
            @ForAll boolean defaultBoolean) {
        ScriptedStore store = new ScriptedStore();
        store.publish(generated.toArray(new Flag[0]));
        try (FlagClient client = FlagClient.builder(store).build()) {
            if (counted) {
                client.statistics().countEvaluations();
            }
            Map<String, Long> expectedCounts = new java.util.TreeMap<>();
            for (Subject subject : subjects) {
                Evaluation<Boolean> absent = client.booleanDetail("flag-" + generated.size(), subject.context(), true);
                assertThat(absent.reason()).isEqualTo(Reason.FLAG_NOT_FOUND);
                assertThat(absent.value()).isTrue();
                expectedCounts.merge(
                        series("flag-" + generated.size(), "", Reason.FLAG_NOT_FOUND, null), 1L, Long::sum);
            }
            for (Flag g : generated) {
                Flag flag = Flag.fromJson(g.toJson()); // what the client compiled
                for (Subject subject : subjects) {
                    EvaluationContext context = subject.context();
                    Expected expected = reference(flag, subject);
                    // two rounds of a detail and a value
                    expectedCounts.merge(
                            series(flag.key(), expected.variant(), expected.reason(), expected.error()), 4L, Long::sum);
                    // twice: the second evaluation runs on whatever the first one warmed or cached
                    for (int round = 0; round < 2; round++) {
                        Evaluation<?> actual;
                        Object value;
                        Object defaultValue;
                        if (flag.type() == VariantType.BOOLEAN) {
                            defaultValue = defaultBoolean;
                            actual = client.booleanDetail(flag.key(), context, defaultBoolean);
                            value = client.booleanValue(flag.key(), context, defaultBoolean);
                        } else {
                            defaultValue = "default";
                            actual = client.stringDetail(flag.key(), context, "default");
                            value = client.stringValue(flag.key(), context, "default");
                        }
                        String what = flag.toJson() + " for " + subject;
                        assertThat(new Expected(
                                        actual.variant(), actual.reason(), actual.errorCode(), actual.ruleIndex()))
                                .as(what)
                                .isEqualTo(expected);
                        Object expectedValue = expected.variant() == null
                                ? defaultValue
                                : flag.type() == VariantType.BOOLEAN
                                        ? flag.variant(expected.variant())
                                                .orElseThrow()
                                                .booleanValue()
                                        : flag.variant(expected.variant())
                                                .orElseThrow()
                                                .textValue();
                        assertThat(actual.value()).as(what).isEqualTo(expectedValue);
                        assertThat(value).as("value of " + what).isEqualTo(expectedValue);
                    }
                }
            }
            Map<String, Long> counts = new java.util.TreeMap<>();
            client.statistics().forEachEvaluationCounter(c -> {
                if (c.count() > 0) {
                    counts.put(series(c.flag(), c.variant(), c.reason(), c.errorCode()), c.count());
                }
            });
            assertThat(counts).as("evaluations counted").isEqualTo(counted ? expectedCounts : Map.of());
        }
    }

    private static String series(String flag, @Nullable String variant, Reason reason, @Nullable Object error) {
        return flag + "|" + (variant == null ? "" : variant) + "|" + reason + "|" + (error == null ? "" : error);
    }

    // ---------------------------------------------------------------- the reference

    /** Thrown by the reference where the client must report an error code. */
    private static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final transient ErrorCode code;

        Failed(ErrorCode code) {
            super(code.name(), null, false, false);
            this.code = code;
        }
    }

    static Expected reference(Flag flag, Subject subject) {
        try {
            return decide(flag, subject);
        } catch (Failed e) {
            return new Expected(null, Reason.ERROR, e.code, -1);
        }
    }

    private static Expected decide(Flag flag, Subject subject) {
        if (!flag.on()) {
            return new Expected(flag.offVariant().orElse(null), Reason.OFF, null, -1);
        }
        if (!flag.targets().isEmpty()) {
            if (subject.key() == null) {
                throw new Failed(ErrorCode.TARGETING_KEY_MISSING);
            }
            for (Target t : flag.targets()) {
                if (t.keys().contains(subject.key())) {
                    return new Expected(t.variant(), Reason.TARGET_MATCH, null, -1);
                }
            }
        }
        for (int r = 0; r < flag.rules().size(); r++) {
            Rule rule = flag.rules().get(r);
            boolean all = true;
            for (Clause c : rule.clauses()) {
                if (!matches(c, subject)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return new Expected(serve(flag, rule.serve(), subject), Reason.RULE_MATCH, null, r);
            }
        }
        Serve f = flag.fallthrough();
        Reason reason = f.rollout() != null
                ? Reason.ROLLOUT
                : flag.targets().isEmpty() && flag.rules().isEmpty() ? Reason.STATIC : Reason.FALLTHROUGH;
        return new Expected(serve(flag, f, subject), reason, null, -1);
    }

    /** The attribute as documented: explicit attributes first, then the targeting key for "key". */
    private static @Nullable Object attribute(Subject subject, String name) {
        if (subject.form() == Form.VIEW) {
            if (name.equals(EvaluationContext.KEY_ATTRIBUTE)) {
                return subject.key();
            }
            if (name.equals(subject.rejected())) {
                throw new Failed(ErrorCode.INVALID_CONTEXT);
            }
            return subject.attributes().get(name);
        }
        Object v = subject.attributes().get(name);
        return v == null && name.equals(EvaluationContext.KEY_ATTRIBUTE) ? subject.key() : v;
    }

    private static boolean matches(Clause c, Subject subject) {
        Object a = attribute(subject, c.attribute());
        if (a == null) {
            if (c.attribute().equals(EvaluationContext.KEY_ATTRIBUTE)) {
                throw new Failed(ErrorCode.TARGETING_KEY_MISSING);
            }
            return c.negate();
        }
        boolean any = false;
        for (Object v : c.values()) {
            any |= compare(c.operator(), a, v);
        }
        return any != c.negate();
    }

    private static boolean compare(Operator op, Object a, Object v) {
        switch (op) {
            case EQUALS, IN:
                if (a instanceof Number x && v instanceof Number y) {
                    return numeric(x, y) == 0;
                }
                return (a instanceof String || a instanceof Boolean) && a.equals(v);
            case STARTS_WITH:
                return a instanceof String s && s.startsWith((String) v);
            case ENDS_WITH:
                return a instanceof String s && s.endsWith((String) v);
            case CONTAINS:
                return a instanceof String s && s.contains((String) v);
            case LESS_THAN:
                return a instanceof Number x && numeric(x, (Number) v) < 0;
            case LESS_THAN_OR_EQUAL:
                return a instanceof Number x && numeric(x, (Number) v) <= 0;
            case GREATER_THAN:
                return a instanceof Number x && numeric(x, (Number) v) > 0 && numeric(x, (Number) v) != NAN;
            case GREATER_THAN_OR_EQUAL:
                return a instanceof Number x && numeric(x, (Number) v) >= 0 && numeric(x, (Number) v) != NAN;
            default:
                if (!(a instanceof String s)) {
                    return false;
                }
                SemVer x = SemVer.parse(s);
                SemVer y = SemVer.parse((String) v);
                if (x == null || y == null) {
                    return false;
                }
                int cmp = x.compareTo(y);
                return op == Operator.SEMVER_EQUAL ? cmp == 0 : op == Operator.SEMVER_LESS_THAN ? cmp < 0 : cmp > 0;
        }
    }

    /** A comparison that holds for no operator. */
    private static final int NAN = Integer.MAX_VALUE;

    /** Integral numbers compare exactly; any other pair as doubles; NaN compares with nothing. */
    private static int numeric(Number x, Number y) {
        if (integral(x) && integral(y)) {
            return Long.compare(x.longValue(), y.longValue());
        }
        if (Double.isNaN(x.doubleValue())) {
            return NAN;
        }
        return Double.compare(x.doubleValue(), y.doubleValue());
    }

    private static boolean integral(Object n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    private static String serve(Flag flag, Serve serve, Subject subject) {
        if (serve.variant() != null) {
            return serve.variant();
        }
        Rollout rollout = serve.rollout();
        Object value = attribute(subject, rollout.bucketAttribute());
        if (value == null) {
            value = subject.key();
            if (value == null) {
                throw new Failed(ErrorCode.TARGETING_KEY_MISSING);
            }
        }
        long seed = Bucketing.seedState(rollout.seed() == null ? flag.key() : rollout.seed());
        int bucket = integral(value)
                ? Bucketing.bucket(seed, ((Number) value).longValue())
                : Bucketing.bucket(seed, value.toString());
        int upper = 0;
        String last = null;
        for (Allocation a : rollout.allocations()) {
            if (a.thousandths() == 0) {
                continue;
            }
            upper += a.thousandths();
            last = a.variant();
            if (bucket < upper) {
                return a.variant();
            }
        }
        return last;
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<List<Flag>> flagSets() {
        return Arbitraries.integers().between(1, 4).flatMap(n -> {
            List<Arbitrary<Flag>> each = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                each.add(flags("flag-" + i));
            }
            return Combinators.combine(each).as(List::copyOf);
        });
    }

    @Provide
    Arbitrary<List<Subject>> subjects() {
        return subject().list().ofMinSize(1).ofMaxSize(6);
    }

    private static Arbitrary<Subject> subject() {
        Arbitrary<String> key = Arbitraries.oneOf(
                        Arbitraries.of(KEYS),
                        Arbitraries.strings().alpha().numeric().ofMaxLength(12))
                .injectNull(0.15);
        Arbitrary<Object> value = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(STRINGS)),
                Tuple.of(2, Arbitraries.of(NUMBERS)),
                Tuple.of(2, Arbitraries.of(VERSIONS)),
                Tuple.of(1, Arbitraries.of(true, false)),
                Tuple.of(
                        2, Arbitraries.strings().withChars("abc").ofMaxLength(4).map(s -> (Object) s)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(6).map(s -> (Object) s)),
                Tuple.of(1, Arbitraries.integers().between(-3, 3).map(i -> (Object) i)),
                Tuple.of(1, Arbitraries.of(Double.NaN, -0.0, 1.0e300)));
        Arbitrary<Map<String, Object>> attributes =
                Arbitraries.maps(Arbitraries.of(NAMES), value).ofMaxSize(5).map(LinkedHashMap::new);
        return Combinators.combine(
                        key,
                        attributes,
                        Arbitraries.of(Form.class),
                        Arbitraries.of(NAMES).injectNull(0.7))
                .as(Subject::new);
    }

    private static Arbitrary<Flag> flags(String key) {
        return Arbitraries.of(VariantType.BOOLEAN, VariantType.STRING).flatMap(type -> {
            List<String> variants = type == VariantType.BOOLEAN ? List.of("true", "false") : List.of("a", "b", "c");
            Arbitrary<String> offVariant = Arbitraries.of(variants).injectNull(0.4);
            Arbitrary<List<Target>> targets =
                    target(variants).list().ofMaxSize(2).map(ReferenceEvaluationProperties::distinctKeys);
            Arbitrary<List<Rule>> rules = rule(variants).list().ofMaxSize(4);
            Arbitrary<Serve> fallthrough = serve(variants);
            return Combinators.combine(Arbitraries.of(true, true, false), offVariant, targets, rules, fallthrough)
                    .as((on, off, t, r, f) -> {
                        Flag.Builder b = Flag.builder(key);
                        if (type == VariantType.BOOLEAN) {
                            b.booleanVariants();
                        } else {
                            variants.forEach(v -> b.variant(v, "value-" + v));
                        }
                        b.on(on).offVariant(off).rules(r).fallthrough(f);
                        t.forEach(b::target);
                        return b.build();
                    });
        });
    }

    /** Targets whose key sets do not overlap: a key may be targeted once. */
    private static List<Target> distinctKeys(List<Target> targets) {
        List<Target> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Target t : targets) {
            java.util.Set<String> keys = new java.util.LinkedHashSet<>(t.keys());
            keys.removeAll(seen);
            if (!keys.isEmpty()) {
                seen.addAll(keys);
                out.add(new Target(t.variant(), keys));
            }
        }
        return out;
    }

    private static Arbitrary<Target> target(List<String> variants) {
        return Combinators.combine(
                        Arbitraries.of(variants),
                        Arbitraries.of(KEYS).set().ofMinSize(1).ofMaxSize(2))
                .as(Target::new);
    }

    private static Arbitrary<Rule> rule(List<String> variants) {
        return Combinators.combine(clause().list().ofMinSize(1).ofMaxSize(2), serve(variants))
                .as((clauses, serve) -> new Rule(clauses, serve, null));
    }

    private static Arbitrary<Serve> serve(List<String> variants) {
        Arbitrary<Serve> fixed = Arbitraries.of(variants).map(Serve::variant);
        Arbitrary<Serve> rollout = Combinators.combine(
                        Arbitraries.of(BUCKET_BY).injectNull(0.3),
                        Arbitraries.of("seed-1", "other").injectNull(0.5),
                        Arbitraries.shuffle(variants),
                        Arbitraries.integers().between(0, 100_000).list().ofSize(variants.size() - 1))
                .as((by, seed, order, cuts) -> {
                    List<Integer> points = new ArrayList<>(cuts);
                    points.add(0);
                    points.add(100_000);
                    points.sort(null);
                    List<Allocation> allocations = new ArrayList<>();
                    for (int i = 0; i < order.size(); i++) {
                        int share = points.get(i + 1) - points.get(i);
                        allocations.add(new Allocation(order.get(i), share / 1000.0));
                    }
                    return Serve.rollout(new Rollout(by, seed, allocations));
                });
        return Arbitraries.oneOf(fixed, rollout);
    }

    private static Arbitrary<Clause> clause() {
        return Combinators.combine(
                        Arbitraries.of(NAMES), Arbitraries.of(Operator.class), Arbitraries.of(true, false, false))
                .flatAs((name, op, negate) -> clauseValues(op).map(values -> new Clause(name, op, values, negate)));
    }

    private static Arbitrary<List<Object>> clauseValues(Operator op) {
        Arbitrary<Object> one;
        if (op.isNumeric()) {
            one = Arbitraries.of(NUMBERS);
        } else if (op.isSemver()) {
            one = Arbitraries.of(VERSIONS);
        } else if (op == Operator.EQUALS || op == Operator.IN) {
            one = Arbitraries.oneOf(
                    Arbitraries.of(STRINGS),
                    Arbitraries.of(NUMBERS),
                    Arbitraries.of(true, false),
                    Arbitraries.strings().withChars("abc").ofMaxLength(3).map(s -> (Object) s));
        } else {
            one = Arbitraries.oneOf(
                    Arbitraries.of(STRINGS),
                    Arbitraries.strings().withChars("abc").ofMaxLength(2).map(s -> (Object) s));
        }
        // up to 14 values: equality clauses past eight strings take the set lookup
        return Arbitraries.oneOf(
                one.list().ofMinSize(1).ofMaxSize(3), one.list().ofMinSize(6).ofMaxSize(14));
    }
}
