package dev.cutover.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The JSON reports commands write with {@code --report FILE}, under one policy: a report may name
 * keys, so only its owner may read it (POSIX permissions {@code rw-------}, on a file system that
 * has them, for a new file and an overwritten one alike); a reader never sees half a report (it is
 * written to a temporary file in the same directory, then moved over the target); and no directory
 * is created: a path in a missing or unwritable directory is a mistake, refused with exit code
 * {@link Exit#USAGE} and a message that names {@code --report}, the path and what to do. A command
 * calls {@link #checkWritable} before it starts any work, then {@link #write} at the end.
 */
final class Reports {
    private static final String OPTION = "Invalid value for option '--report': ";

    private Reports() {}

    /**
     * Refuses a report path that {@link #write} would refuse, without writing anything.
     *
     * @throws CliException with {@link Exit#USAGE} when {@code file} is a directory, or its directory
     *     does not exist, is not a directory, or is not writable
     */
    static void checkWritable(Path file) {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new CliException(
                    Exit.USAGE,
                    OPTION + file + " is a directory; give a file name, such as " + file.resolve("report.json"));
        }
        Path dir = target.getParent();
        if (dir == null || !Files.exists(dir)) {
            throw new CliException(
                    Exit.USAGE, OPTION + "directory " + shown(file) + " does not exist; create it first");
        }
        if (!Files.isDirectory(dir)) {
            throw new CliException(
                    Exit.USAGE, OPTION + shown(file) + " is not a directory; give a file in an existing directory");
        }
        // creating a file in a POSIX directory takes its write and search (x) permissions
        if (!Files.isWritable(dir) || (posix(dir) && !Files.isExecutable(dir))) {
            throw unwritable(file);
        }
    }

    /**
     * Writes {@code json} to {@code file} as pretty-printed UTF-8, replacing an existing file in one
     * step, with permissions {@code rw-------} where the file system has POSIX permissions.
     *
     * @throws CliException with {@link Exit#USAGE} for a path {@link #checkWritable} refuses, with
     *     {@link Exit#FAILED} when writing fails otherwise (a full disk)
     */
    static void write(Path file, ObjectNode json) {
        checkWritable(file);
        byte[] bytes;
        try {
            bytes = (Json.MAPPER.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = null;
        try {
            temp = posix(dir)
                    ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp", ownerOnly())
                    : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (AccessDeniedException | ReadOnlyFileSystemException e) {
            throw unwritable(file);
        } catch (IOException e) {
            throw new CliException(Exit.FAILED, "cannot write the report (--report) " + file + ": " + e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // the failure being reported matters more than a leftover temporary file
                }
            }
        }
    }

    private static CliException unwritable(Path file) {
        return new CliException(
                Exit.USAGE,
                OPTION + "directory " + shown(file) + " is not writable; choose another directory or make it writable");
    }

    /** The directory of {@code file} as the operator wrote it, or the working directory. */
    private static Path shown(Path file) {
        Path parent = file.getParent();
        return parent != null ? parent : file.toAbsolutePath().getParent();
    }

    private static boolean posix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }
}
