package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code cutover flags list}. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List every flag: version, what it serves, last writer.")
public final class FlagsListCommand extends StoreCommand {

    @Override
    int run(WritableFlagStore store) throws Exception {
        StoreSnapshot snapshot = store.load();
        List<RawFlag> flags = new ArrayList<>(snapshot.flags());
        flags.sort(Comparator.comparing(RawFlag::key));
        if (output.json()) {
            ObjectNode root = Json.object().put("revision", snapshot.revision());
            ArrayNode list = root.putArray("flags");
            for (RawFlag raw : flags) {
                ObjectNode f = list.addObject().put("key", raw.key()).put("version", raw.version());
                try {
                    Flag flag = Flag.fromJson(raw.json(), raw.key());
                    f.put("type", flag.type().name().toLowerCase(java.util.Locale.ROOT))
                            .put("on", flag.on())
                            .put("serving", Describe.serving(flag))
                            .put(
                                    "effectiveAt",
                                    flag.effectiveAt().map(Object::toString).orElse(null))
                            .put(
                                    "updatedAt",
                                    flag.updatedAt().map(Object::toString).orElse(null))
                            .put("updatedBy", flag.updatedBy().orElse(null));
                } catch (RuntimeException invalid) {
                    f.put("invalid", raw.rejection() != null ? raw.rejection() : invalid.getMessage());
                }
            }
            Json.print(out(), root);
            return Exit.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KEY", "VERSION", "SERVING", "UPDATED", "BY"});
        for (RawFlag raw : flags) {
            try {
                Flag flag = Flag.fromJson(raw.json(), raw.key());
                rows.add(new String[] {
                    raw.key(),
                    Long.toString(raw.version()),
                    Describe.serving(flag),
                    flag.updatedAt().map(Object::toString).orElse("-"),
                    flag.updatedBy().orElse("-")
                });
            } catch (RuntimeException invalid) {
                rows.add(new String[] {
                    raw.key(),
                    Long.toString(raw.version()),
                    "INVALID: " + (raw.rejection() != null ? raw.rejection() : invalid.getMessage()),
                    "-",
                    "-"
                });
            }
        }
        Table.print(out(), rows);
        out().println(flags.size() + (flags.size() == 1 ? " flag" : " flags") + ", store revision "
                + snapshot.revision());
        out().flush();
        return Exit.OK;
    }
}
