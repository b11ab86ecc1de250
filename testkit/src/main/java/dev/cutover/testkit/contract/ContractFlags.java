package dev.cutover.testkit.contract;

import dev.cutover.flags.Allocation;
import dev.cutover.flags.Clause;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Operator;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.Target;
import dev.cutover.flags.VariantType;
import java.time.Instant;
import java.util.List;

/** Flags the writable-store contract writes. */
final class ContractFlags {
    private ContractFlags() {}

    /** A flag that uses every part of the format. */
    static Flag rich(String key) {
        Flag previous = Flag.stringFlag(key, "OLD").toBuilder()
                .metadata("owner", "team-before")
                .build();
        return Flag.builder(key)
                .type(VariantType.STRING)
                .variant("OLD", "OLD")
                .variant("SHADOW", "SHADOW")
                .variant("NEW", "NEW")
                .offVariant("OLD")
                .target(Target.of("NEW", "customer-1", "customer-2"))
                .rule(new Rule(
                        List.of(
                                Clause.of("country", Operator.IN, "DE", "FR"),
                                Clause.of("appVersion", Operator.SEMVER_LESS_THAN, "2.0.0")
                                        .negated(),
                                Clause.of("tier", Operator.GREATER_THAN_OR_EQUAL, 3)),
                        Serve.variant("SHADOW"),
                        "EU, new app, big tiers"))
                .fallthrough(Serve.rollout(new Rollout(
                        "key", "seed-1", List.of(new Allocation("OLD", 66.667), new Allocation("NEW", 33.333)))))
                .effectiveAt(Instant.parse("2030-01-01T00:00:00Z"), previous)
                .description("orders migration")
                .metadata("owner", "team-orders")
                .metadata("ticket", 123L)
                .metadata("temporary", true)
                .metadata("ratio", 0.25)
                .build();
    }

    /**
     * A flag whose metadata a store could easily change by re-encoding: a whole double, a long
     * beyond a double's precision, non-ASCII and escaped text; and no off-variant.
     */
    static Flag metadata(String key) {
        return Flag.builder(key)
                .variant("a", "A")
                .variant("b", "B")
                .on(false)
                .metadata("whole", 1.0)
                .metadata("big", Long.MAX_VALUE - 1)
                .metadata("negative", Long.MIN_VALUE)
                .metadata("tiny", 1e-300)
                .metadata("text", "größe \"quoted\" \\ back\nslash ✓")
                .metadata("empty", "")
                .metadata("no", false)
                .build();
    }
}
