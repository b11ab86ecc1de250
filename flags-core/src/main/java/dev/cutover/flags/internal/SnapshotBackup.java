package dev.cutover.flags.internal;

import dev.cutover.flags.ClientStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of the last-known-good {@link BackupFile}: the snapshot compiled from it at
 * start (served when the store is down, and the fallback version of any flag the first store load
 * rejects), and the write after each install.
 *
 * <p><b>Concurrency design.</b> {@link #readSeed} runs once, in {@code build()}, before the first
 * refresh can read the seed; the seed is volatile so any thread may read it afterwards. Writes run
 * on the refresher thread only; the file itself is replaced atomically, so a write cut short by
 * {@code close()} leaves the previous backup intact.
 */
final class SnapshotBackup {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotBackup.class);

    private final BackupFile file;
    private final Clock clock;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile @Nullable Snapshot seed;

    SnapshotBackup(Path path, Clock clock) {
        this.file = new BackupFile(path);
        this.clock = clock;
    }

    Path path() {
        return file.path();
    }

    /** Reads and compiles the file, if there is a valid one; start only. */
    void readSeed(SnapshotAssembler assembler, Snapshot empty) {
        file.read()
                .ifPresent(c -> seed = assembler
                        .assemble(
                                c.revision(),
                                c.flags(),
                                empty,
                                ClientStatus.Source.BACKUP_FILE,
                                c.savedAt(),
                                clock.millis())
                        .snapshot());
    }

    /** The snapshot read at start, or null when there was no valid backup. */
    @Nullable
    Snapshot seed() {
        return seed;
    }

    /** The backup's flags, or none: fallback versions for flags a load rejects. */
    Map<String, CompiledFlag> seedFlags() {
        Snapshot s = seed;
        return s == null ? Map.of() : s.flags();
    }

    /** Writes {@code s}; a failure is logged (once per kind), never thrown. Refresher thread. */
    void write(Snapshot s, boolean closed) {
        try {
            file.write(s, clock.instant());
        } catch (Exception e) {
            if (closed) {
                LOG.debug("Flag backup write interrupted by close; the previous backup stays intact", e);
            } else if (warned.add(e.getClass().getName())) {
                LOG.warn("Cannot write flag backup {}: {}", file.path(), e.toString());
            }
        }
    }
}
