package dev.cutover.cli.internal;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.AuditText;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.WritableFlagStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Turns a lost compare-and-set into a message that says who changed what meanwhile. */
final class Conflicts {
    private static final int MAX_SHOWN = 10;

    private Conflicts() {}

    /** The conflict, with the writes after the expected version from the audit history, oldest first. */
    static CliException explain(WritableFlagStore store, FlagWriteConflictException e) {
        StringBuilder msg = new StringBuilder(e.getMessage()).append("; nothing was written.");
        List<AuditRecord> meanwhile = new ArrayList<>();
        try {
            String token = null;
            do {
                AuditPage page = store.history(e.key(), token, 50);
                for (AuditRecord r : page.records()) {
                    if (r.version() > e.expectedVersion()) {
                        meanwhile.add(r);
                    }
                }
                boolean older = page.records().isEmpty()
                        || page.records().get(page.records().size() - 1).version() <= e.expectedVersion();
                token = older ? null : page.nextPageToken();
            } while (token != null && meanwhile.size() < 1000);
        } catch (Exception historyFailed) {
            msg.append("\n(the history could not be read: ")
                    .append(historyFailed.getMessage())
                    .append(')');
        }
        Collections.reverse(meanwhile);
        if (!meanwhile.isEmpty()) {
            msg.append("\nChanged meanwhile:");
            int from = Math.max(0, meanwhile.size() - MAX_SHOWN);
            if (from > 0) {
                msg.append("\n  (").append(from).append(" earlier changes not shown)");
            }
            for (AuditRecord r : meanwhile.subList(from, meanwhile.size())) {
                msg.append("\n  version ")
                        .append(r.version())
                        .append(" at ")
                        .append(r.at())
                        .append(" by ")
                        .append(AuditText.oneLine(r.actor()))
                        .append(": ")
                        .append(AuditText.oneLine(r.reason()))
                        .append(" (")
                        .append(change(r))
                        .append(')');
            }
        }
        msg.append("\nLook again (cutover flags get ").append(e.key()).append("), then retry.");
        return new CliException(Exit.CONFLICT, msg.toString());
    }

    /** What a history record did, in a few words. */
    static String change(AuditRecord r) {
        if (r.after() == null) {
            return "deleted";
        }
        String serving = serving(r.after(), r.key());
        return (r.before() == null ? "created, " : "") + serving;
    }

    static String serving(@Nullable String json, String key) {
        if (json == null) {
            return "absent";
        }
        try {
            return Describe.serving(Flag.fromJson(json, key));
        } catch (RuntimeException invalid) {
            return "invalid: " + invalid.getMessage();
        }
    }
}
