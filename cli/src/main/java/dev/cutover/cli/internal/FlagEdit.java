package dev.cutover.cli.internal;

import dev.cutover.flags.Allocation;
import dev.cutover.flags.Flag;
import dev.cutover.flags.InvalidFlagException;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Serve;
import dev.cutover.flags.VariantType;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code flags set} changes, applied to the flag as read: the kill switch and the fallthrough
 * (what every context no target or rule matches gets). Targets and rules are kept. A flag that
 * does not exist is created: a boolean flag, or a string flag with the variants given.
 *
 * @param on the kill switch, or null to keep it
 * @param variant the variant to serve (or, with a rollout, the one that gets the percentage)
 * @param rollout the percentage of contexts that get {@code variant} (the rest get the off
 *     variant), or null
 * @param effectiveAt when the change takes effect on every instance at once, or null for now
 * @param createVariants variants of a string flag to create, empty for a boolean flag
 * @param metadata metadata entries to set, by name; a null value removes the entry
 */
record FlagEdit(
        @Nullable Boolean on,
        @Nullable String variant,
        @Nullable Double rollout,
        @Nullable Instant effectiveAt,
        List<String> createVariants,
        Map<String, @Nullable Object> metadata) {

    FlagEdit {
        createVariants = List.copyOf(createVariants);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** An edit that changes no metadata. */
    FlagEdit(
            @Nullable Boolean on,
            @Nullable String variant,
            @Nullable Double rollout,
            @Nullable Instant effectiveAt,
            List<String> createVariants) {
        this(on, variant, rollout, effectiveAt, createVariants, Map.of());
    }

    /** Whether anything is to change. */
    boolean empty() {
        return on == null && variant == null && rollout == null && metadata.isEmpty();
    }

    /**
     * The new definition.
     *
     * @param key the flag key
     * @param current the flag as read, null when absent
     * @throws CliException with {@link Exit#USAGE} naming the bad value and the valid choices
     */
    Flag apply(String key, @Nullable Flag current) {
        if (current != null && !createVariants.isEmpty()) {
            throw usage("--variants only creates a flag, and flag '" + key + "' exists (version " + current.version()
                    + "); its variants: " + String.join(", ", current.variantNames()));
        }
        Flag.Builder b = current != null ? current.toBuilder() : create(key);
        Flag base = current != null ? current : b.build();
        b.effectiveAt(null, null);
        if (on != null) {
            b.on(on);
        }
        if (rollout != null) {
            b.fallthrough(Serve.rollout(rollout(key, base, rollout)));
        } else if (variant != null) {
            b.fallthrough(Serve.variant(known(key, base, variant)));
        }
        if (!metadata.isEmpty()) {
            Map<String, Object> merged = new LinkedHashMap<>(base.metadata());
            metadata.forEach((name, value) -> {
                if (value == null) {
                    merged.remove(name);
                } else {
                    merged.put(name, value);
                }
            });
            b.metadata(merged);
        }
        if (effectiveAt != null) {
            b.effectiveAt(effectiveAt, current);
        }
        try {
            return b.build();
        } catch (InvalidFlagException e) {
            if (!metadata.isEmpty() && e.reason().contains("metadata")) {
                throw CliException.usage("--metadata", "Invalid value for option '--metadata': " + e.getMessage());
            }
            throw usage(e.getMessage());
        }
    }

    private Flag.Builder create(String key) {
        if (!Flag.isValidKey(key)) {
            throw usage("Invalid flag key '" + key + "': 1 to 128 letters, digits, '.', '-' or '_'");
        }
        if (createVariants.isEmpty()) {
            return Flag.builder(key).booleanVariants();
        }
        Flag.Builder b = Flag.builder(key).type(VariantType.STRING);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String v : createVariants) {
            if (v.isBlank()) {
                throw usage("Invalid value for option '--variants': variant names must not be blank but were "
                        + createVariants);
            }
            if (!seen.add(v)) {
                throw usage("Invalid value for option '--variants': the variant '" + v + "' is given twice in "
                        + createVariants);
            }
            b.variant(v, v);
        }
        return b.offVariant(createVariants.get(0));
    }

    private Rollout rollout(String key, Flag flag, double percent) {
        String first;
        if (variant != null) {
            first = known(key, flag, variant);
        } else if (flag.type() == VariantType.BOOLEAN && flag.variant("true").isPresent()) {
            first = "true";
        } else {
            throw usage("--rollout on " + flag.type().name().toLowerCase(java.util.Locale.ROOT) + " flag '" + key
                    + "' needs --variant NAME, the variant that gets the percentage; its variants: "
                    + String.join(", ", flag.variantNames()));
        }
        String rest = rest(key, flag, first);
        if (rest.equals(first)) {
            throw usage("--rollout gives " + Describe.percent(percent) + "% to '" + first + "' and the rest to the off"
                    + " variant, which is '" + first + "' too; pick another --variant of: "
                    + String.join(", ", flag.variantNames()));
        }
        int thousandths = (int) Math.round(percent * 1000.0);
        List<Allocation> shares = List.of(
                new Allocation(first, thousandths / 1000.0), new Allocation(rest, (100_000 - thousandths) / 1000.0));
        Rollout now = flag.fallthrough().rollout();
        // keep the bucketing of a rollout under way, so raising the share only adds contexts
        return now != null ? new Rollout(now.bucketBy(), now.seed(), shares) : new Rollout(null, null, shares);
    }

    /**
     * The variant the rest of a rollout gets: the off-variant, or for a flag without one the other
     * variant of a two-variant flag.
     */
    private String rest(String key, Flag flag, String first) {
        if (flag.offVariant().isPresent()) {
            return flag.offVariant().get();
        }
        List<String> others =
                flag.variantNames().stream().filter(v -> !v.equals(first)).toList();
        if (others.size() == 1) {
            return others.get(0);
        }
        throw usage("--rollout gives " + Describe.percent(rollout == null ? 0 : rollout) + "% to '" + first
                + "' and the rest to the off variant, but flag '" + key + "' names no off-variant and has "
                + others.size() + " other variants (" + String.join(", ", others)
                + "); give the flag an off-variant in its JSON first");
    }

    private static String known(String key, Flag flag, String name) {
        if (flag.variant(name).isEmpty()) {
            throw usage("Invalid value for option '--variant': flag '" + key + "' has no variant '" + name
                    + "'; its variants: " + String.join(", ", flag.variantNames()));
        }
        return name;
    }

    private static CliException usage(String message) {
        return new CliException(Exit.USAGE, message);
    }
}
