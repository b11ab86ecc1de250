package dev.cutover.testsupport;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * zonky's bundled PostgreSQL binaries, made to run when the JVM is root.
 *
 * <p>{@code initdb}, {@code pg_ctl} and {@code postgres} refuse to run as root. zonky 2.x works
 * around that itself by prefixing them with {@code unshare -U} (a user namespace in which the
 * process is {@code nobody}) — but only where unprivileged user namespaces are allowed, which is
 * not the case in many containers. For those, this resolver rewrites the archive so that
 * {@code bin/initdb} and {@code bin/pg_ctl} are small {@code /bin/sh} wrappers around the real
 * binaries (renamed {@code *.real}, in the same directory so they still find {@code postgres} and
 * {@code share/}): when the effective uid is 0 the wrapper gives the {@code -D} data directory to
 * {@code nobody} (65534) and execs the real binary under {@code setpriv --reuid=65534
 * --regid=65534 --clear-groups}; otherwise (not root, or already inside zonky's user namespace)
 * it just execs the real binary.
 *
 * <p>When the JVM is not root the bundled archive is returned unchanged. The rewritten archive is
 * deterministic (same bytes, hence the same zonky {@code PG-<digest>} directory, on every run),
 * stored uncompressed (55 MB) and cached on disk in {@link EmbeddedDbWorkspace#root()}, so the
 * rewrite (about a second) happens once per machine.
 */
public final class RootSafePgBinaryResolver implements PgBinaryResolver {

    /** The one instance: zonky caches extracted binaries per resolver instance. */
    public static final RootSafePgBinaryResolver INSTANCE = new RootSafePgBinaryResolver();

    /** The binaries zonky executes directly, and which are therefore wrapped. */
    static final Set<String> WRAPPED = Set.of("initdb", "pg_ctl");

    static final String WRAPPER = """
            #!/bin/sh
            # Added by Cutover's test support (RootSafePgBinaryResolver): PostgreSQL refuses to
            # run as root, so as root hand the data directory to nobody and drop to nobody.
            PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
            export PATH
            real="$0.real"
            if [ "$(id -u)" != "0" ]; then
              exec "$real" "$@"
            fi
            datadir=
            prev=
            for arg in "$@"; do
              case "$prev" in -D|--pgdata) datadir=$arg ;; esac
              case "$arg" in
                --pgdata=*) datadir=${arg#--pgdata=} ;;
                -D?*) datadir=${arg#-D} ;;
              esac
              prev=$arg
            done
            if [ -n "$datadir" ]; then
              mkdir -p "$datadir" && chown -R %1$d:%1$d "$datadir" || {
                echo "$0: cannot give $datadir to uid %1$d" >&2
                exit 1
              }
            fi
            if ! command -v setpriv >/dev/null 2>&1; then
              echo "$0: running as root needs setpriv (util-linux) to drop to uid %1$d" >&2
              exit 1
            fi
            exec setpriv --reuid=%1$d --regid=%1$d --clear-groups "$real" "$@"
            """.formatted(EmbeddedDbWorkspace.NOBODY);

    private static final Object LOCK = new Object();
    private static Path rewritten;

    private RootSafePgBinaryResolver() {}

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        InputStream original = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
        if (!"Linux".equals(system) || !EmbeddedDbWorkspace.runningAsRoot()) {
            return original;
        }
        synchronized (LOCK) {
            if (rewritten == null || !Files.isRegularFile(rewritten)) {
                byte[] bundled;
                try (InputStream in = original) {
                    bundled = in.readAllBytes();
                }
                rewritten = rewriteCached(bundled);
            } else {
                original.close();
            }
            return new BufferedInputStream(Files.newInputStream(rewritten));
        }
    }

    private static Path rewriteCached(byte[] bundled) throws IOException {
        String key = sha256(bundled, WRAPPER.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        Path cache = EmbeddedDbWorkspace.root().resolve("pg-root-safe-" + key + ".txz");
        if (Files.isRegularFile(cache)) {
            return cache;
        }
        deleteStalePartFiles(cache.getParent());
        Path temp = Files.createTempFile(cache.getParent(), "pg-root-safe-", ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp))) {
                rewrite(new ByteArrayInputStream(bundled), out);
            }
            Files.move(temp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return cache;
    }

    /** Half-written rewrites of JVMs killed meanwhile (an hour old: no rewrite takes that long). */
    private static void deleteStalePartFiles(Path dir) throws IOException {
        long cutoff = System.currentTimeMillis() - 3_600_000;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, "pg-root-safe-*.part")) {
            for (Path part : parts) {
                if (Files.getLastModifiedTime(part).toMillis() < cutoff) {
                    Files.deleteIfExists(part);
                }
            }
        }
    }

    /** Copies the .txz archive, renaming the {@link #WRAPPED} binaries to {@code *.real} and adding wrappers. */
    static void rewrite(InputStream txz, OutputStream out) throws IOException {
        byte[] wrapper = WRAPPER.getBytes(StandardCharsets.UTF_8);
        int wrapped = 0;
        // stored, not compressed: the archive is only read back once per machine, and LZMA2
        // compression of its 55 MB would take seconds
        LZMA2Options stored = new LZMA2Options();
        stored.setMode(LZMA2Options.MODE_UNCOMPRESSED);
        try (TarArchiveInputStream tarIn = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(txz)));
                TarArchiveOutputStream tarOut =
                        new TarArchiveOutputStream(new XZOutputStream(out, stored, XZ.CHECK_CRC32))) {
            tarOut.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tarOut.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry entry;
            while ((entry = tarIn.getNextEntry()) != null) {
                String binary = wrappedBinary(entry);
                if (binary == null) {
                    tarOut.putArchiveEntry(entry);
                    tarIn.transferTo(tarOut);
                    tarOut.closeArchiveEntry();
                    continue;
                }
                String name = entry.getName();
                entry.setName(name + ".real");
                tarOut.putArchiveEntry(entry);
                tarIn.transferTo(tarOut);
                tarOut.closeArchiveEntry();

                TarArchiveEntry script = new TarArchiveEntry(name);
                script.setMode(0100755);
                script.setSize(wrapper.length);
                script.setModTime(entry.getLastModifiedTime());
                tarOut.putArchiveEntry(script);
                tarOut.write(wrapper);
                tarOut.closeArchiveEntry();
                wrapped++;
            }
            tarOut.finish();
        }
        if (wrapped != WRAPPED.size()) {
            throw new IOException("expected " + WRAPPED + " under bin/ in the PostgreSQL archive, wrapped " + wrapped);
        }
    }

    private static String wrappedBinary(TarArchiveEntry entry) {
        if (!entry.isFile()) {
            return null;
        }
        String name = entry.getName();
        if (name.startsWith("./")) {
            name = name.substring(2);
        }
        if (!name.startsWith("bin/")) {
            return null;
        }
        String binary = name.substring("bin/".length());
        return WRAPPED.contains(binary) ? binary : null;
    }

    private static String sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "RootSafePgBinaryResolver";
    }
}
