package dev.cutover.replication.sqs;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A target that writes one line per applied change, {@code key TAB version TAB outcome}, and hands
 * the line to the operating system before {@link #apply} returns, so that a process killed with
 * {@code kill -9} after an apply returned has its outcomes on disk. Everything else is forwarded.
 *
 * <p>Given a stall threshold, the first apply that finds at least that many lines logged prints
 * {@code stalled} and blocks for good, before applying: its batch stays received and unacknowledged,
 * so a process killed after that line holds messages that SQS must deliver again.
 */
final class OutcomeLoggingTarget implements VersionedTarget, AutoCloseable {
    private final VersionedTarget target;
    private final BufferedWriter log;
    private final long stallAfter;
    private long logged;

    OutcomeLoggingTarget(VersionedTarget target, Path log) throws IOException {
        this(target, log, Long.MAX_VALUE);
    }

    OutcomeLoggingTarget(VersionedTarget target, Path log, long stallAfter) throws IOException {
        this.target = target;
        this.stallAfter = stallAfter;
        this.log = Files.newBufferedWriter(
                log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
        boolean stall;
        synchronized (log) {
            stall = logged >= stallAfter;
        }
        if (stall) {
            System.out.println("stalled");
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
        }
        List<ApplyOutcome> outcomes = target.apply(changes);
        StringBuilder lines = new StringBuilder(changes.size() * 32);
        for (int i = 0; i < changes.size(); i++) {
            lines.append(changes.get(i).key())
                    .append('\t')
                    .append(changes.get(i).version())
                    .append('\t')
                    .append(outcomes.get(i))
                    .append('\n');
        }
        synchronized (log) {
            log.write(lines.toString());
            log.flush();
            logged += changes.size();
        }
        return outcomes;
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
    public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
        return target.readPage(segment, token, limit);
    }

    @Override
    public String describe() {
        return target.describe() + " (outcomes logged)";
    }

    @Override
    public void close() throws IOException {
        synchronized (log) {
            log.close();
        }
    }
}
