package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.WritableFlagStore;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cutover flags history KEY}: the audit trail, newest first. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = "Show a flag's audit history, newest first: version, time, actor, reason, what it served.")
public final class FlagsHistoryCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The flag key.")
    String key = "";

    @Override
    String key() {
        return key;
    }

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "20",
            description = "At most this many records, 1 to 10000; default ${DEFAULT-VALUE}.")
    int limit = 20;

    @Override
    void before() {
        if (limit < 1 || limit > 10_000) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "Invalid value for option '--limit': must be 1 to 10000 but was " + limit);
        }
    }

    @Override
    int run(WritableFlagStore store) throws Exception {
        List<AuditRecord> records = read(store, key, limit);
        if (records.isEmpty() && store.get(key).isEmpty()) {
            throw new CliException(Exit.NOT_FOUND, "flag '" + key + "' has no history in " + store.describe());
        }
        if (output.json()) {
            ObjectNode root = Json.object().put("key", key);
            ArrayNode list = root.putArray("records");
            for (AuditRecord r : records) {
                ObjectNode o = list.addObject()
                        .put("version", r.version())
                        .put("at", r.at().toString())
                        .put("actor", r.actor())
                        .put("reason", r.reason())
                        .put("revision", r.revision())
                        .put("change", Conflicts.change(r));
                o.set("before", Json.parse(r.before()));
                o.set("after", Json.parse(r.after()));
            }
            Json.print(out(), root);
            return Exit.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"VERSION", "AT", "ACTOR", "REASON", "CHANGE"});
        for (AuditRecord r : records) {
            rows.add(new String[] {
                Long.toString(r.version()), r.at().toString(), r.actor(), r.reason(), Conflicts.change(r)
            });
        }
        Table.print(out(), rows);
        out().flush();
        return Exit.OK;
    }

    /** Up to {@code limit} records, newest first, over as many pages as needed. */
    static List<AuditRecord> read(WritableFlagStore store, String key, int limit) throws Exception {
        List<AuditRecord> records = new ArrayList<>();
        String token = null;
        do {
            AuditPage page = store.history(key, token, Math.min(limit - records.size(), 100));
            records.addAll(page.records());
            token = page.nextPageToken();
        } while (token != null && records.size() < limit);
        return records.size() > limit ? records.subList(0, limit) : records;
    }
}
