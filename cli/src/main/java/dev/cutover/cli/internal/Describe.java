package dev.cutover.cli.internal;

import dev.cutover.flags.Allocation;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Serve;
import java.math.BigDecimal;
import java.util.StringJoiner;

/** One-line descriptions of flags for text output. */
final class Describe {
    private Describe() {}

    /**
     * What the flag serves, in a few words: {@code on, serves true}, {@code off (serves false)},
     * {@code off (serves the caller's default)} when it names no off-variant, a rollout.
     */
    static String serving(Flag flag) {
        StringBuilder s = new StringBuilder();
        if (!flag.on()) {
            s.append(flag.offVariant()
                    .map(off -> "off (serves " + off + ")")
                    .orElse("off (serves the caller's default)"));
        } else {
            s.append("on, ").append(serve(flag.fallthrough()));
            if (!flag.rules().isEmpty()) {
                s.append(", ").append(flag.rules().size()).append(flag.rules().size() == 1 ? " rule" : " rules");
            }
            if (!flag.targets().isEmpty()) {
                s.append(", ")
                        .append(flag.targets().size())
                        .append(flag.targets().size() == 1 ? " target" : " targets");
            }
        }
        flag.effectiveAt().ifPresent(at -> s.append(" from ").append(at));
        return s.toString();
    }

    static String serve(Serve serve) {
        Rollout r = serve.rollout();
        if (r == null) {
            return "serves " + serve.variant();
        }
        StringJoiner j = new StringJoiner(" / ", "rollout ", "");
        for (Allocation a : r.allocations()) {
            j.add(a.variant() + " " + percent(a.percent()) + "%");
        }
        return j.toString();
    }

    /** Metadata as {@code owner=team-orders, ticket=123}, names and values on one line each. */
    static String metadata(Flag flag) {
        StringJoiner j = new StringJoiner(", ");
        flag.metadata()
                .forEach((name, value) -> j.add(dev.cutover.flags.spi.AuditText.oneLine(name) + "="
                        + dev.cutover.flags.spi.AuditText.oneLine(String.valueOf(value))));
        return j.toString();
    }

    static String percent(double p) {
        return BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
    }
}
