package dev.cutover.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cutover.flags.internal.FlagCodec;
import dev.cutover.flags.internal.FlagValidator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An immutable flag definition, stored as JSON.
 *
 * <p>A flag has a {@link VariantType type}, named variants of that type, and decides which variant
 * to serve in this order: when off, the {@link #offVariant()} (or, when the flag names none, the
 * caller's default value); else the first {@link Target} that
 * lists the context's key; else the first {@link Rule} whose clauses all match; else the
 * {@link #fallthrough()}. Each of these may serve a fixed variant or a sticky percentage
 * {@link Rollout}.
 *
 * <p>A flag may carry {@link #metadata()}: named strings, booleans and numbers for operators and
 * tools (owner, ticket, expiry). Metadata never changes what a flag serves.
 *
 * <p>A flag with an {@link #effectiveAt()} instant is a change published ahead of time: before that
 * instant every client evaluates {@link #previous()} (or treats the flag as absent when there is no
 * previous definition), and from that instant on this definition, so a whole fleet flips at one
 * instant rather than whenever each instance refreshes.
 *
 * <pre>{@code
 * Flag flag = Flag.builder("orders.new-checkout")
 *     .booleanVariants()
 *     .rule(Rule.when(Serve.variant("true"), Clause.of("country", Operator.IN, "DE", "FR")))
 *     .fallthrough(Serve.rollout(Rollout.of(new Allocation("true", 10), new Allocation("false", 90))))
 *     .build();
 * String json = flag.toJson();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Flag {

    /** Keys: letters, digits, {@code .}, {@code -}, {@code _}; 1 to 128 characters. */
    public static final Pattern KEY_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final String key;
    private final boolean on;
    private final VariantType type;
    private final Map<String, JsonNode> variants;
    private final @Nullable String offVariant;
    private final List<Target> targets;
    private final List<Rule> rules;
    private final Serve fallthrough;
    private final @Nullable Instant effectiveAt;
    private final @Nullable Flag previous;
    private final long version;
    private final @Nullable Instant updatedAt;
    private final @Nullable String updatedBy;
    private final @Nullable String description;
    private final Map<String, Object> metadata;

    private Flag(Builder b) {
        this.key = b.key;
        this.on = b.on;
        this.type = Objects.requireNonNull(b.type, "type");
        LinkedHashMap<String, JsonNode> copy = new LinkedHashMap<>();
        b.variants.forEach((name, value) -> copy.put(name, value.deepCopy()));
        this.variants = Collections.unmodifiableMap(copy);
        this.offVariant = b.offVariant;
        this.targets = List.copyOf(b.targets);
        this.rules = List.copyOf(b.rules);
        this.fallthrough = b.fallthrough == null
                ? Serve.variant(b.offVariant == null ? firstVariant(b) : b.offVariant)
                : b.fallthrough;
        this.effectiveAt = b.effectiveAt;
        this.previous = b.previous;
        this.version = b.version;
        this.updatedAt = b.updatedAt;
        this.updatedBy = b.updatedBy;
        this.description = b.description;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    }

    private static String firstVariant(Builder b) {
        if (b.type == VariantType.BOOLEAN && b.variants.containsKey("false")) {
            return "false";
        }
        return b.variants.isEmpty() ? "" : b.variants.keySet().iterator().next();
    }

    /** Starts a flag with the given key. The key is checked by {@link Builder#build()}. */
    public static Builder builder(String key) {
        return new Builder(key);
    }

    /** A boolean flag with variants {@code true}/{@code false} that serves {@code value} to all. */
    public static Flag booleanFlag(String key, boolean value) {
        return builder(key)
                .booleanVariants()
                .fallthrough(Serve.variant(Boolean.toString(value)))
                .build();
    }

    /** A string flag with one variant named after its value, served to all. */
    public static Flag stringFlag(String key, String value) {
        return builder(key).type(VariantType.STRING).variant(value, value).build();
    }

    /**
     * Parses and validates a flag from its JSON form.
     *
     * @throws InvalidFlagException naming the key and the reason when the JSON is malformed or invalid
     */
    public static Flag fromJson(String json) {
        return FlagCodec.parse(json, null);
    }

    /**
     * Parses and validates a flag document held under {@code key}: errors name that key even when
     * the JSON is too broken to read one, and a document whose own key differs is rejected.
     *
     * @throws InvalidFlagException naming the key and the reason
     */
    public static Flag fromJson(String json, String key) {
        return FlagCodec.parse(json, Objects.requireNonNull(key, "key"));
    }

    /** The JSON form, as stores keep it. */
    public String toJson() {
        return FlagCodec.write(this);
    }

    /** Whether a string is a valid flag key. */
    public static boolean isValidKey(@Nullable String key) {
        return key != null && KEY_PATTERN.matcher(key).matches();
    }

    /** The key. */
    public String key() {
        return key;
    }

    /**
     * The kill switch: when false, every context gets the {@link #offVariant()}, or the caller's
     * default value when the flag names no off-variant.
     */
    public boolean on() {
        return on;
    }

    /** The type of every variant value. */
    public VariantType type() {
        return type;
    }

    /** Variant names to values, in definition order. Values are copies. */
    public Map<String, JsonNode> variants() {
        LinkedHashMap<String, JsonNode> copy = new LinkedHashMap<>();
        variants.forEach((name, value) -> copy.put(name, value.deepCopy()));
        return copy;
    }

    /** The value of one variant, copied, if the flag has it. */
    public Optional<JsonNode> variant(String name) {
        JsonNode v = variants.get(name);
        return v == null ? Optional.empty() : Optional.of(v.deepCopy());
    }

    /** Variant names in definition order. */
    public List<String> variantNames() {
        return List.copyOf(variants.keySet());
    }

    /**
     * The variant served while the flag is off; empty when the flag names none, in which case an
     * off flag serves each caller its own default value (with {@link Reason#OFF} and no variant).
     */
    public Optional<String> offVariant() {
        return Optional.ofNullable(offVariant);
    }

    /** Individual targets, tried before rules. */
    public List<Target> targets() {
        return targets;
    }

    /** Ordered rules. */
    public List<Rule> rules() {
        return rules;
    }

    /** What is served when no target or rule matches. */
    public Serve fallthrough() {
        return fallthrough;
    }

    /** When this definition takes effect, if scheduled. */
    public Optional<Instant> effectiveAt() {
        return Optional.ofNullable(effectiveAt);
    }

    /** The definition in force before {@link #effectiveAt()}, if any. */
    public Optional<Flag> previous() {
        return Optional.ofNullable(previous);
    }

    /** The version a store assigned; 0 for a flag never stored. */
    public long version() {
        return version;
    }

    /** When a store last wrote the flag. */
    public Optional<Instant> updatedAt() {
        return Optional.ofNullable(updatedAt);
    }

    /** Who last wrote the flag. */
    public Optional<String> updatedBy() {
        return Optional.ofNullable(updatedBy);
    }

    /** A note for operators. */
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /**
     * Named values for operators and tools, in insertion order; empty when the flag has none.
     * Values are {@link String}, {@link Boolean}, {@link Long} or {@link Double}. Unmodifiable.
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** A builder holding this flag's fields. */
    public Builder toBuilder() {
        Builder b = new Builder(key);
        b.on = on;
        b.type = type;
        b.variants.putAll(variants);
        b.offVariant = offVariant;
        b.targets.addAll(targets);
        b.rules.addAll(rules);
        b.fallthrough = fallthrough;
        b.effectiveAt = effectiveAt;
        b.previous = previous;
        b.version = version;
        b.updatedAt = updatedAt;
        b.updatedBy = updatedBy;
        b.description = description;
        b.metadata.putAll(metadata);
        return b;
    }

    /** Flags are equal when their JSON forms are equal. */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Flag other && toJson().equals(other.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "Flag" + toJson();
    }

    /**
     * Builds a {@link Flag}. Not thread-safe. {@link #build()} validates the whole definition and
     * throws {@link InvalidFlagException} naming the key and the problem.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String key;
        private boolean on = true;
        private @Nullable VariantType type;
        private final LinkedHashMap<String, JsonNode> variants = new LinkedHashMap<>();
        private @Nullable String offVariant;
        private final List<Target> targets = new ArrayList<>();
        private final List<Rule> rules = new ArrayList<>();
        private @Nullable Serve fallthrough;
        private @Nullable Instant effectiveAt;
        private @Nullable Flag previous;
        private long version;
        private @Nullable Instant updatedAt;
        private @Nullable String updatedBy;
        private @Nullable String description;
        private final LinkedHashMap<String, Object> metadata = new LinkedHashMap<>();

        private Builder(String key) {
            this.key = Objects.requireNonNull(key, "key");
        }

        /** Sets the kill switch; flags are on by default. */
        public Builder on(boolean on) {
            this.on = on;
            return this;
        }

        /** Sets the variant type. Inferred from the first variant when not set. */
        public Builder type(VariantType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        /**
         * Makes this a boolean flag with variants {@code true} and {@code false}; off, it serves
         * {@code false} unless an off-variant was already chosen.
         */
        public Builder booleanVariants() {
            type = VariantType.BOOLEAN;
            if (offVariant == null) {
                offVariant = "false";
            }
            variants.put("true", BooleanNode.TRUE);
            variants.put("false", BooleanNode.FALSE);
            return this;
        }

        /**
         * Adds or replaces a variant. The value is a {@link JsonNode}, a {@link String}, a
         * {@link Boolean} or a {@link Number}.
         */
        public Builder variant(String name, Object value) {
            Objects.requireNonNull(name, "variant name");
            if (value == null) {
                throw new InvalidFlagException(key, "variant '" + name + "' has no value");
            }
            JsonNode node = toNode(value);
            if (type == null) {
                type = inferType(node);
            }
            variants.put(name, node);
            return this;
        }

        private JsonNode toNode(Object value) {
            if (value instanceof JsonNode n) {
                return n.deepCopy();
            } else if (value instanceof String s) {
                return TextNode.valueOf(s);
            } else if (value instanceof Boolean bool) {
                return BooleanNode.valueOf(bool);
            } else if (value instanceof Integer i) {
                return IntNode.valueOf(i);
            } else if (value instanceof Long l) {
                return LongNode.valueOf(l);
            } else if (value instanceof Number n) {
                return DoubleNode.valueOf(n.doubleValue());
            }
            throw new InvalidFlagException(
                    key, "variant value of type " + value.getClass().getName() + " is not supported");
        }

        private static VariantType inferType(JsonNode node) {
            if (node.isBoolean()) {
                return VariantType.BOOLEAN;
            } else if (node.isTextual()) {
                return VariantType.STRING;
            } else if (node.isNumber()) {
                return VariantType.NUMBER;
            }
            return VariantType.JSON;
        }

        /**
         * The variant served while the flag is off; null: none, so an off flag serves each caller's
         * default value. A flag has none unless this or {@link #booleanVariants()} sets one.
         */
        public Builder offVariant(@Nullable String name) {
            this.offVariant = name;
            return this;
        }

        /** Adds an individual target. */
        public Builder target(Target target) {
            targets.add(Objects.requireNonNull(target, "target"));
            return this;
        }

        /** Appends a rule. */
        public Builder rule(Rule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Replaces all rules. */
        public Builder rules(List<Rule> rules) {
            this.rules.clear();
            this.rules.addAll(rules);
            return this;
        }

        /**
         * What is served when nothing else matches; defaults to the off-variant, or without one to
         * the first variant ({@code false} for a boolean flag).
         */
        public Builder fallthrough(Serve serve) {
            this.fallthrough = Objects.requireNonNull(serve, "fallthrough");
            return this;
        }

        /**
         * Schedules this definition to take effect at {@code instant}; before it, clients evaluate
         * {@code previous} (null: the flag does not exist until then).
         */
        public Builder effectiveAt(@Nullable Instant instant, @Nullable Flag previous) {
            this.effectiveAt = instant;
            this.previous = previous == null
                    ? null
                    : previous.toBuilder().effectiveAt(null, null).build();
            return this;
        }

        /** Sets the version; stores set it on write. */
        public Builder version(long version) {
            this.version = version;
            return this;
        }

        /** Sets the write instant; stores set it on write. */
        public Builder updatedAt(@Nullable Instant updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        /** Sets the writer; stores set it on write. */
        public Builder updatedBy(@Nullable String updatedBy) {
            this.updatedBy = updatedBy;
            return this;
        }

        /** Sets a note for operators. */
        public Builder description(@Nullable String description) {
            this.description = description;
            return this;
        }

        /**
         * Adds or replaces one metadata entry. The value is a {@link String}, a {@link Boolean}, an
         * {@link Integer} or {@link Long} (kept as {@link Long}), or a {@link Float} or
         * {@link Double} (kept as {@link Double}). Names and values are checked by {@link #build()}.
         *
         * @throws InvalidFlagException naming the key and the entry when the value's type is not
         *     supported
         */
        public Builder metadata(String name, Object value) {
            Objects.requireNonNull(name, "metadata name");
            metadata.put(name, metadataValue(name, value));
            return this;
        }

        /**
         * Replaces all metadata with {@code all}, in its iteration order; values as for
         * {@link #metadata(String, Object)}.
         *
         * @throws InvalidFlagException naming the key and the entry when a value's type is not
         *     supported
         */
        public Builder metadata(Map<String, ?> all) {
            LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<String, ?> e : all.entrySet()) {
                String name = Objects.requireNonNull(e.getKey(), "metadata name");
                copy.put(name, metadataValue(name, e.getValue()));
            }
            metadata.clear();
            metadata.putAll(copy);
            return this;
        }

        private Object metadataValue(String name, @Nullable Object value) {
            if (value instanceof String || value instanceof Boolean || value instanceof Long) {
                return value;
            } else if (value instanceof Integer i) {
                return i.longValue();
            } else if (value instanceof Double) {
                return value;
            } else if (value instanceof Float f) {
                return Double.parseDouble(Float.toString(f)); // 0.1f stays 0.1, not 0.10000000149
            }
            throw new InvalidFlagException(
                    key,
                    "metadata entry '" + name + "' must be a string, boolean or number but was "
                            + (value == null
                                    ? "null"
                                    : "of type " + value.getClass().getName()));
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidFlagException naming the key and what is wrong
         */
        public Flag build() {
            if (!isValidKey(key)) {
                throw new InvalidFlagException(
                        key, "key must be 1 to 128 letters, digits, '.', '-' or '_' but was '" + key + "'");
            }
            if (variants.isEmpty()) {
                throw new InvalidFlagException(key, "a flag needs at least one variant");
            }
            if (type == null) {
                throw new InvalidFlagException(key, "variant type is not set");
            }
            Flag flag = new Flag(this);
            FlagValidator.validate(flag);
            return flag;
        }
    }
}
