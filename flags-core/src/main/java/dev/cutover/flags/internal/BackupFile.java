package dev.cutover.flags.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.spi.RawFlag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last-known-good snapshot on local disk, served when the store cannot be reached at startup.
 *
 * <p>Format: one JSON object {@code {"format":"cutover-backup/1","revision":N,"savedAt":"...",
 * "sha256":"<hex>","payload":"<JSON array of flag documents, as a string>"}}. The checksum covers
 * the revision, the save time and the payload string exactly as written. Writes go to a temporary
 * file in the same directory, are forced to disk, atomically renamed over the old file, and the
 * directory is forced too, so a crash leaves either the old or the new backup, never a torn one; a
 * file whose checksum does not match is ignored with a WARN.
 */
final class BackupFile {
    private static final Logger LOG = LoggerFactory.getLogger(BackupFile.class);
    static final String FORMAT = "cutover-backup/1";

    /** A backup read back. */
    record Content(long revision, Instant savedAt, List<RawFlag> flags) {}

    private final Path file;

    BackupFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    Path path() {
        return file;
    }

    /** Writes every valid flag of the snapshot. */
    void write(Snapshot snapshot, Instant now) throws IOException {
        ArrayNode flags = Json.MAPPER.createArrayNode();
        snapshot.flags().values().stream()
                .sorted((a, b) -> a.key.compareTo(b.key))
                .forEach(f -> flags.add(FlagCodec.toTree(f.flag)));
        String payload = Json.MAPPER.writeValueAsString(flags);
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("revision", snapshot.revision());
        root.put("savedAt", now.toString());
        root.put("sha256", sha256(snapshot.revision() + "\n" + now + "\n" + payload));
        root.put("payload", payload);
        byte[] bytes = Json.MAPPER.writeValueAsBytes(root);
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux does). */
    private static void forceDirectory(Path dir) {
        try (var channel = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot force directory {}: {}", dir, e.toString());
        }
    }

    /** Reads and verifies the backup; empty when absent or unusable (logged). */
    Optional<Content> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(file));
            if (root == null || !FORMAT.equals(root.path("format").asText())) {
                LOG.warn("Ignoring flag backup {}: not a {} file", file, FORMAT);
                return Optional.empty();
            }
            String payload = root.path("payload").asText();
            String expected = root.path("sha256").asText();
            String signed =
                    root.path("revision").asLong() + "\n" + root.path("savedAt").asText() + "\n" + payload;
            if (!sha256(signed).equals(expected)) {
                LOG.warn("Ignoring flag backup {}: checksum mismatch (file corrupt or edited)", file);
                return Optional.empty();
            }
            List<RawFlag> flags = new ArrayList<>();
            for (JsonNode f : Json.MAPPER.readTree(payload)) {
                flags.add(new RawFlag(f.path("key").asText(), f.path("version").asLong(), f.toString()));
            }
            return Optional.of(new Content(
                    root.path("revision").asLong(),
                    Instant.parse(root.path("savedAt").asText()),
                    flags));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring flag backup {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
