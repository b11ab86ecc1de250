package dev.cutover.replication.backfill;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.SegmentedSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jspecify.annotations.Nullable;

/**
 * An old store that deletes rows outright (no tombstones), written by live traffic while a
 * backfill reads it: reads are weakly consistent, so a row written or deleted during the read may
 * or may not be returned, with the version it had when read. Segments by key hash; the token is the
 * last key read.
 */
final class HardDeleteOldStore implements SegmentedSource {
    private final ConcurrentSkipListMap<String, Change> rows = new ConcurrentSkipListMap<>();
    private final int segments;

    HardDeleteOldStore(int segments) {
        this.segments = segments;
    }

    void write(Change change) {
        if (change.isDelete()) {
            rows.remove(change.key());
        } else {
            rows.put(change.key(), change);
        }
    }

    Map<String, Change> snapshot() {
        return Map.copyOf(rows);
    }

    @Override
    public int segments() {
        return segments;
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) {
        Map<String, Change> after = token == null ? rows : rows.tailMap(token, false);
        List<Change> page = new ArrayList<>();
        for (Map.Entry<String, Change> e : after.entrySet()) {
            if (Math.floorMod(e.getKey().hashCode(), segments) == segment) {
                page.add(e.getValue());
                if (page.size() == limit) {
                    return new Page(page, e.getKey());
                }
            }
        }
        return new Page(page, null);
    }

    @Override
    public String describe() {
        return "hard-delete old store";
    }
}
