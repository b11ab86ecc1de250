package dev.cutover.replication.kafka;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A target that applies through another and then writes every change's outcome to a log, one line
 * {@code key<TAB>version<TAB>kind<TAB>OUTCOME} each, flushed before {@code apply} returns (so
 * before the mirror acknowledges the batch). A process killed between the apply and the write
 * leaves those outcomes unlogged; their changes come again, and then log as {@code DUPLICATE} or
 * {@code SUPERSEDED}.
 */
final class OutcomeLog implements VersionedTarget {
    private final VersionedTarget target;
    private final BufferedWriter out;

    OutcomeLog(VersionedTarget target, BufferedWriter out) {
        this.target = target;
        this.out = out;
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
        List<ApplyOutcome> outcomes = target.apply(changes);
        StringBuilder sb = new StringBuilder(changes.size() * 40);
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            sb.append(c.key())
                    .append('\t')
                    .append(c.version())
                    .append('\t')
                    .append(c.kind())
                    .append('\t')
                    .append(outcomes.get(i))
                    .append('\n');
        }
        write(sb.toString());
        return outcomes;
    }

    /** Writes {@code text} and flushes. */
    void write(String text) {
        synchronized (out) {
            try {
                out.write(text);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public Optional<Change> read(String key) throws Exception {
        return target.read(key);
    }

    @Override
    public long purgeTombstones(Instant appliedBefore) throws Exception {
        return target.purgeTombstones(appliedBefore);
    }

    @Override
    public int segments() {
        return target.segments();
    }

    @Override
    public String layout() {
        return target.layout();
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
        return target.readPage(segment, token, limit);
    }

    @Override
    public String describe() {
        return "logged " + target.describe();
    }
}
