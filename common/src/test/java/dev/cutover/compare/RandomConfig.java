package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cutover.compare.JsonTrees.Location;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * A random configuration of the built-in normalizers, described so that the test knows what it
 * makes equivalent: {@link #perturb} rewrites a tree into a different-looking one that the
 * configuration must find equivalent (fields reordered, numbers in another representation, values
 * moved within their rounding or truncation bucket, ignored fields replaced, removed or added,
 * null fields dropped or added, unordered arrays shuffled).
 *
 * <p>Ignored and unordered paths use {@code *} for array positions, so shuffling an unordered
 * array cannot move an element in or out of an ignored path.
 */
record RandomConfig(List<Step> steps, boolean allUnordered, List<String> unorderedPaths) {

    sealed interface Step permits IgnoreFields, IgnorePaths, Timestamps, Scale, NullAbsent {}

    record IgnoreFields(List<String> names) implements Step {}

    record IgnorePaths(List<String> patterns) implements Step {}

    record Timestamps(ChronoUnit unit, List<String> epochMillisFields) implements Step {}

    record Scale(int places) implements Step {}

    record NullAbsent() implements Step {}

    static Arbitrary<RandomConfig> configs() {
        Arbitrary<String> names = Arbitraries.of(JsonTrees.KEYS);
        Arbitrary<Step> step = Arbitraries.oneOf(
                names.list().ofMinSize(1).ofMaxSize(2).map(IgnoreFields::new),
                patterns().list().ofMinSize(1).ofMaxSize(2).map(IgnorePaths::new),
                Combinators.combine(
                                Arbitraries.of(
                                        ChronoUnit.MICROS,
                                        ChronoUnit.MILLIS,
                                        ChronoUnit.SECONDS,
                                        ChronoUnit.MINUTES,
                                        ChronoUnit.HOURS,
                                        ChronoUnit.DAYS),
                                Arbitraries.frequency(Tuple.of(3, List.of("ts")), Tuple.of(1, List.<String>of())))
                        .as(Timestamps::new),
                Arbitraries.integers().between(0, 3).map(Scale::new),
                Arbitraries.just(new NullAbsent()));
        Arbitrary<Integer> unordered = Arbitraries.integers().between(0, 2);
        return Combinators.combine(
                        step.list().ofMaxSize(4),
                        unordered,
                        patterns().list().ofMinSize(1).ofMaxSize(2))
                .as((steps, mode, paths) -> new RandomConfig(steps, mode == 1, mode == 2 ? paths : List.of()));
    }

    /** Patterns over the generated field names, with {@code *} for any segment. */
    static Arbitrary<String> patterns() {
        Arbitrary<String> segment = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(JsonTrees.KEYS).map(JsonTrees::escape)), Tuple.of(2, Arbitraries.just("*")));
        return segment.list().ofMinSize(1).ofMaxSize(3).map(s -> "/" + String.join("/", s));
    }

    Comparison.Builder builder() {
        Comparison.Builder builder = Comparison.builder();
        for (Step step : steps) {
            if (step instanceof IgnoreFields s) {
                builder.ignoreFields(s.names().toArray(String[]::new));
            } else if (step instanceof IgnorePaths s) {
                builder.ignorePaths(s.patterns().toArray(String[]::new));
            } else if (step instanceof Timestamps s) {
                builder.timestampPrecision(s.unit(), s.epochMillisFields().toArray(String[]::new));
            } else if (step instanceof Scale s) {
                builder.numericScale(s.places());
            } else {
                builder.nullEqualsAbsent();
            }
        }
        if (allUnordered) {
            builder.unorderedArrays();
        } else if (!unorderedPaths.isEmpty()) {
            builder.unorderedArrays(unorderedPaths.toArray(String[]::new));
        }
        return builder;
    }

    Comparison comparison() {
        return builder().build();
    }

    private <T extends Step> List<T> all(Class<T> type) {
        return steps.stream().filter(type::isInstance).map(type::cast).toList();
    }

    // ---- perturbation ----------------------------------------------------------------------

    /** A tree this configuration must find equivalent to {@code tree}. */
    JsonNode perturb(JsonNode tree, Random random) {
        JsonNode out = perturb(tree, JsonTrees.Location.root(), random);
        return out == null ? NullNode.getInstance() : out;
    }

    /** Returns null to remove the field. */
    private JsonNode perturb(JsonNode node, Location at, Random random) {
        if (ignored(at)) {
            int choice = random.nextInt(3);
            if (choice == 0) {
                return node;
            }
            return choice == 1 || !at.field() ? JsonTrees.junk(random) : null;
        }
        if (at.field() && node.isNull() && !all(NullAbsent.class).isEmpty() && random.nextBoolean()) {
            return null;
        }
        if (node.isObject()) {
            return perturbObject(node, at, random);
        }
        if (node.isArray()) {
            List<JsonNode> elements = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                elements.add(perturb(node.get(i), at.child(Integer.toString(i), false), random));
            }
            if (unordered(at)) {
                Collections.shuffle(elements, random);
            }
            ArrayNode array = JsonTrees.F.arrayNode();
            elements.forEach(array::add);
            return array;
        }
        if (node.isNumber()) {
            return perturbNumber(node, at, random);
        }
        if (node.isTextual()) {
            return perturbTimestamp(node.textValue(), random);
        }
        return node;
    }

    private JsonNode perturbObject(JsonNode node, Location at, Random random) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
        Collections.shuffle(fields, random);
        ObjectNode object = JsonTrees.F.objectNode();
        for (Map.Entry<String, JsonNode> field : fields) {
            JsonNode value = perturb(field.getValue(), at.child(field.getKey(), true), random);
            if (value != null) {
                object.set(field.getKey(), value);
            }
        }
        Set<String> free = new HashSet<>(JsonTrees.KEYS);
        free.removeAll(new HashSet<>(fieldNames(node)));
        for (String name : free) {
            Location child = at.child(name, true);
            if (ignored(child) && random.nextInt(3) == 0) {
                object.set(name, JsonTrees.junk(random));
            } else if (!all(NullAbsent.class).isEmpty() && random.nextInt(4) == 0) {
                object.set(name, NullNode.getInstance());
            }
        }
        return object;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private JsonNode perturbNumber(JsonNode node, Location at, Random random) {
        BigDecimal value = node.decimalValue();
        List<Scale> scales = all(Scale.class);
        boolean epochField = at.field()
                && all(Timestamps.class).stream()
                        .anyMatch(t -> t.epochMillisFields().contains(last(at)));
        if (scales.size() == 1 && !epochField && random.nextBoolean()) {
            int places = scales.get(0).places();
            BigDecimal rounded = value.scale() > places ? value.setScale(places, RoundingMode.HALF_EVEN) : value;
            BigDecimal delta = BigDecimal.valueOf(random.nextInt(999) - 499).movePointLeft(places + 3);
            return DecimalNode.valueOf(rounded.add(delta));
        }
        List<Timestamps> stamps = all(Timestamps.class);
        if (epochField && stamps.size() == 1 && value.scale() <= 0 && random.nextBoolean()) {
            long millis = value.longValueExact();
            long bucket = stamps.get(0).unit().getDuration().toMillis();
            if (bucket > 1) {
                long start = Math.floorDiv(millis, bucket) * bucket;
                return LongNode.valueOf(start + (long) (random.nextDouble() * bucket));
            }
        }
        return representation(value, random);
    }

    /** The same number written another way: int, long, double, or a decimal with trailing zeros. */
    private static JsonNode representation(BigDecimal value, Random random) {
        switch (random.nextInt(4)) {
            case 0:
                if (value.stripTrailingZeros().scale() <= 0
                        && value.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) < 0) {
                    return IntNode.valueOf(value.intValueExact());
                }
                break;
            case 1:
                if (value.stripTrailingZeros().scale() <= 0
                        && value.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
                    return LongNode.valueOf(value.longValueExact());
                }
                break;
            case 2:
                double d = value.doubleValue();
                if (BigDecimal.valueOf(d).compareTo(value) == 0) {
                    return DoubleNode.valueOf(d);
                }
                break;
            default:
                break;
        }
        return DecimalNode.valueOf(value.setScale(Math.max(value.scale(), 0) + random.nextInt(3)));
    }

    private JsonNode perturbTimestamp(String text, Random random) {
        List<Timestamps> stamps = all(Timestamps.class);
        if (stamps.isEmpty()) {
            return TextNode.valueOf(text);
        }
        ChronoUnit unit =
                stamps.stream().map(Timestamps::unit).max(ChronoUnit::compareTo).orElseThrow();
        long nanos = unit.getDuration().toNanos();
        long shift = (long) (random.nextDouble() * nanos);
        try {
            OffsetDateTime time = OffsetDateTime.parse(text).truncatedTo(unit).plusNanos(shift);
            if (time.getOffset().equals(ZoneOffset.UTC)) {
                return TextNode.valueOf(JsonTrees.formatted(time.toInstant(), random.nextInt(2)));
            }
            return TextNode.valueOf(time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        } catch (DateTimeParseException withoutOffset) {
            try {
                LocalDateTime time = LocalDateTime.parse(text).truncatedTo(unit).plusNanos(shift);
                return TextNode.valueOf(time.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
            } catch (DateTimeParseException notATimestamp) {
                return TextNode.valueOf(text);
            }
        }
    }

    private boolean ignored(Location at) {
        if (at.segments().isEmpty()) {
            return false;
        }
        for (IgnoreFields s : all(IgnoreFields.class)) {
            if (at.field() && s.names().contains(last(at))) {
                return true;
            }
        }
        for (IgnorePaths s : all(IgnorePaths.class)) {
            for (String pattern : s.patterns()) {
                if (matches(pattern, at)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean unordered(Location at) {
        return allUnordered || unorderedPaths.stream().anyMatch(p -> matches(p, at));
    }

    private static String last(Location at) {
        return at.segments().get(at.segments().size() - 1);
    }

    /** The test's own reading of a pattern: segments unescaped, {@code *} for any segment. */
    static boolean matches(String pattern, Location at) {
        String[] parts = pattern.substring(1).split("/", -1);
        if (parts.length != at.segments().size()) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].replace("~1", "/").replace("~0", "~");
            if (!parts[i].equals("*") && !part.equals(at.segments().get(i))) {
                return false;
            }
        }
        return true;
    }
}
