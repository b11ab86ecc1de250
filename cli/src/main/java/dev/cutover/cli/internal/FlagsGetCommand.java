package dev.cutover.cli.internal;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditText;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cutover flags get KEY}. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = "Show one flag: its version, what it serves and its JSON.")
public final class FlagsGetCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The flag key.")
    String key = "";

    @Override
    String key() {
        return key;
    }

    @Override
    int run(WritableFlagStore store) throws Exception {
        Optional<RawFlag> raw = store.get(key);
        if (raw.isEmpty()) {
            throw new CliException(Exit.NOT_FOUND, "flag '" + key + "' does not exist in " + store.describe());
        }
        RawFlag r = raw.get();
        if (output.json()) {
            Json.print(
                    out(),
                    Json.object()
                            .put("key", key)
                            .put("version", r.version())
                            .put("invalid", r.rejection())
                            .set("flag", Json.parse(r.json().isEmpty() ? null : r.json())));
            return Exit.OK;
        }
        out().println("flag     " + key);
        out().println("version  " + r.version());
        if (r.rejection() != null) {
            out().println("INVALID  " + AuditText.oneLine(r.rejection()));
        } else {
            try {
                Flag flag = Flag.fromJson(r.json(), key);
                out().println("type     " + flag.type().name().toLowerCase(java.util.Locale.ROOT) + ", variants "
                        + String.join(", ", flag.variantNames()) + " (off: "
                        + flag.offVariant().orElse("none, serves the caller's default") + ")");
                out().println("serving  " + Describe.serving(flag));
                if (!flag.metadata().isEmpty()) {
                    out().println("metadata: " + Describe.metadata(flag));
                }
                flag.previous()
                        .ifPresent(p -> out().println(
                                        "until    " + flag.effectiveAt().orElseThrow() + ": " + Describe.serving(p)));
                out().println("updated  "
                        + flag.updatedAt().map(Object::toString).orElse("-") + " by "
                        + flag.updatedBy().map(AuditText::oneLine).orElse("-"));
            } catch (RuntimeException invalid) {
                out().println("INVALID  " + AuditText.oneLine(String.valueOf(invalid.getMessage())));
            }
        }
        out().println(Json.MAPPER.writeValueAsString(Json.parse(r.json())));
        out().flush();
        return Exit.OK;
    }
}
