package dev.cutover.replication.internal.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.compare.ComparisonResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.ReconciliationReport.Collision;
import dev.cutover.replication.ReconciliationReport.Discrepancy;
import dev.cutover.replication.ReconciliationReport.RowError;
import dev.cutover.replication.spi.KeyReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what one key's rows mean, re-checks a discrepancy by reading both sides again, and
 * records the verdict in the findings.
 *
 * <p>The re-check exists because the scans are not a snapshot: a key written while the scans ran
 * can look missing, extra or different although the mirror is about to (or just did) catch up. So
 * before a discrepancy is reported, after waiting {@code recheckAfter} once per run, both sides
 * are read again by key; a key that now agrees is counted as settled, and one that still differs
 * is reported as it is now. A collision or an error is reported as found: re-reading cannot
 * resolve it. A re-check that fails to read reports the discrepancy as scanned.
 */
final class ReconcileJudge {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Reconciler");

    /**
     * An old row after the transform, with the key it had in the old store and its payload as
     * stored (before the transform), whose digest a repair of the old side expects.
     */
    record OldRow(String oldKey, Change row, @Nullable JsonNode storedPayload) {}

    private enum Kind {
        AGREE,
        MISSING,
        EXTRA,
        DIFFERENT,
        COLLISION,
        ERROR
    }

    private record Verdict(Kind kind, @Nullable ComparisonResult result) {}

    private final ReconcileSettings s;
    private final ReconcileFindings findings;
    private boolean waited;
    long recheckFailures;

    ReconcileJudge(ReconcileSettings settings, ReconcileFindings findings) {
        this.s = settings;
        this.findings = findings;
    }

    /** Judges one key from the rows the scan found, re-checking a discrepancy when configured. */
    void judge(String key, List<OldRow> olds, @Nullable Change neu) throws InterruptedException {
        Verdict v = classify(olds, neu);
        if (v.kind() == Kind.AGREE) {
            return;
        }
        if (s.oldReader() != null && s.newReader() != null && recheckable(v.kind())) {
            List<OldRow> olds2 = new ArrayList<>();
            Change neu2;
            try {
                waitOnce();
                neu2 = readNew(key);
                List<String> oldKeys = olds.isEmpty()
                        ? List.of(key)
                        : olds.stream().map(OldRow::oldKey).toList();
                for (String oldKey : oldKeys) {
                    readOld(oldKey, key).ifPresent(olds2::add);
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                recheckFailures++;
                LOG.debug("re-check of {} failed with {}", key, e.getClass().getName());
                record(key, olds, neu, v);
                return;
            }
            Verdict v2 = classify(olds2, neu2);
            if (v2.kind() == Kind.AGREE) {
                findings.settled();
                return;
            }
            record(key, olds2, neu2, v2);
            return;
        }
        record(key, olds, neu, v);
    }

    private static boolean recheckable(Kind kind) {
        return kind == Kind.MISSING || kind == Kind.EXTRA || kind == Kind.DIFFERENT;
    }

    private Verdict classify(List<OldRow> olds, @Nullable Change neu) {
        if (olds.size() > 1) {
            return new Verdict(Kind.COLLISION, null);
        }
        Change old = olds.isEmpty() ? null : olds.get(0).row();
        if (old == null) {
            return new Verdict(neu == null ? Kind.AGREE : Kind.EXTRA, null);
        }
        if (neu == null) {
            return new Verdict(Kind.MISSING, null);
        }
        ComparisonResult result = s.comparison().compare(old.payload(), neu.payload());
        return switch (result.outcome()) {
            case MATCH -> new Verdict(Kind.AGREE, result);
            case MISMATCH -> new Verdict(Kind.DIFFERENT, result);
            case ERROR -> new Verdict(Kind.ERROR, result);
        };
    }

    private void record(String key, List<OldRow> olds, @Nullable Change neu, Verdict v) {
        List<String> oldKeys = olds.stream().map(OldRow::oldKey).sorted().toList();
        long oldVersion = olds.size() == 1 ? olds.get(0).row().version() : 0;
        long newVersion = neu == null ? 0 : neu.version();
        ComparisonResult r = v.result();
        switch (v.kind()) {
            case MISSING -> findings.missing(new Discrepancy(key, oldKeys, oldVersion, newVersion, List.of(), false));
            case EXTRA -> findings.extra(new Discrepancy(key, oldKeys, oldVersion, newVersion, List.of(), false));
            case DIFFERENT ->
                findings.different(new Discrepancy(
                        key,
                        oldKeys,
                        oldVersion,
                        newVersion,
                        r == null ? List.of() : r.differences(),
                        r != null && r.truncated(),
                        digest(olds.get(0).storedPayload()),
                        neu == null ? null : digest(neu.payload())));
            case COLLISION -> findings.collision(new Collision(key, oldKeys));
            case ERROR ->
                findings.error(
                        new RowError(key, "both", r == null || r.error() == null ? "cannot compare" : r.error()));
            case AGREE -> {}
        }
    }

    /** The content digest a repair expects, or null when the payload has no canonical form. */
    private static @Nullable String digest(@Nullable JsonNode payload) {
        if (payload == null) {
            return null;
        }
        try {
            return PayloadDigest.of(payload);
        } catch (IllegalArgumentException e) {
            return null; // a repair then leaves the row alone and says so
        }
    }

    private void waitOnce() throws InterruptedException {
        if (!waited) {
            waited = true;
            long millis = s.recheckAfter().toMillis();
            if (millis > 0) {
                Thread.sleep(millis);
            }
        }
    }

    private @Nullable Change readNew(String key) throws Exception {
        KeyReader reader = s.newReader();
        Optional<Change> row = reader == null ? Optional.empty() : reader.read(key);
        return row.filter(c -> !c.isDelete()).orElse(null);
    }

    /** The old row at {@code oldKey}, transformed, when it is live and lands on {@code key}. */
    private Optional<OldRow> readOld(String oldKey, String key) throws Exception {
        KeyReader reader = s.oldReader();
        Optional<Change> raw = reader == null ? Optional.empty() : reader.read(oldKey);
        if (raw.isEmpty() || raw.get().isDelete()) {
            return Optional.empty();
        }
        return ReconcileDigests.transform(s, raw.get())
                .filter(c -> !c.isDelete() && c.key().equals(key))
                .map(row -> new OldRow(oldKey, row, raw.get().payload()));
    }
}
