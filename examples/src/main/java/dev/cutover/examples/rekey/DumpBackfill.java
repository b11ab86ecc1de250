package dev.cutover.examples.rekey;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.ndjson.NdjsonSource;
import dev.cutover.replication.spi.VersionedTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Seeds the new table from the dump: every line is applied through the versioned apply with the
 * version it had when dumped, under its normalized key. A live write the stream already copied is
 * newer and wins; two old ids that normalize to one key are a collision, reported with both ids,
 * and only the first is applied.
 */
final class DumpBackfill {
    private final long lines;
    private final LongAdder normalized = new LongAdder();
    private final Backfill backfill;

    DumpBackfill(Path dump, VersionedTarget target, KeyNormalizer keys, int rowsPerSecond) throws IOException {
        NdjsonSource source = NdjsonSource.builder(dump)
                .format(NdjsonSource.Format.DYNAMODB_JSON) // {"Item": {"id": {"S": ...}}} per line
                .keyField("id")
                .versionField("version") // the version at dump time: newer writes win
                .segments(4)
                .build(); // a malformed line would be rejected, with its number
        try (Stream<String> all = Files.lines(dump)) {
            this.lines = all.count();
        }
        // Checkpoints stay in memory here; a long backfill gets a CheckpointStore, so a crash resumes.
        this.backfill = Backfill.from(source)
                .to(target)
                .name("orders-v2-from-dump")
                .normalizeKeys(id -> {
                    String key = keys.normalize(id);
                    if (!key.equals(id)) {
                        normalized.increment();
                    }
                    return key;
                })
                .workers(2)
                .batchSize(100)
                .rateLimit(rowsPerSecond)
                .estimatedRows(lines)
                .build();
    }

    /** Copies every line; blocks until done. */
    BackfillResult run() throws Exception {
        return backfill.run();
    }

    /** The counts so far, while it runs. */
    BackfillCounts progress() {
        return backfill.progress().counts();
    }

    long lines() {
        return lines;
    }

    /** Lines whose id changed under normalization. */
    long normalized() {
        return normalized.sum();
    }
}
