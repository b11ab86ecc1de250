package dev.cutover.flags.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.ChangeHints;
import dev.cutover.flags.spi.DaemonThreads;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.FlagStoreException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only flag store backed by one JSON file that operators edit or a deploy writes:
 * {@code {"flags": [ <flag JSON>, ... ]}}, an object whose {@code flags} array holds the flags, even
 * when there is only one. A file of another shape (a single flag object, a bare array) fails the
 * load with a {@link FlagStoreException} naming the file, what was expected and what the top level
 * is; the client reports it in {@code status().lastError()}. Each element's {@code key} field is its key and its
 * {@code version} field (default 1) its version. Elements are handed to the client as they are, so
 * one malformed flag is rejected alone while the rest load.
 *
 * <p>The revision is the file's modification time in epoch milliseconds when its content changes
 * (or one more than the previous revision, if that is not higher), so processes reading the same
 * file normally report the same revision for the same content; the head check
 * compares the file's size and modification time and reads it only when they moved. A watcher on
 * the directory turns file changes into push hints, and the client's polling remains the safety
 * net. Replace the file atomically (write a temporary file, then rename) so no reader sees half a
 * file; a half-written file fails to parse and the client keeps its last good snapshot.
 *
 * <pre>{@code
 * FlagClient flags = FlagClient.builder(JsonFileFlagStore.of(Path.of("flags.json"))).build();
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class JsonFileFlagStore implements FlagStore {
    private static final Logger LOG = LoggerFactory.getLogger(JsonFileFlagStore.class);

    /** Lenient on purpose: only to find each element's text, key and version. */
    private static final ObjectMapper LENIENT = new ObjectMapper();

    private final Path file;
    private final ChangeHints hints;
    private @Nullable FileTime seenModified;
    private long seenSize = -1;
    private @Nullable Object seenFileKey;
    private byte @Nullable [] seenContent;
    private long revision;
    private @Nullable StoreSnapshot current;
    private @Nullable Thread watcher;
    private @Nullable WatchService watchService;

    private JsonFileFlagStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.hints = new ChangeHints("file:" + this.file.getFileName());
    }

    /** A store over {@code file}; the file need not exist yet (the store is unavailable until it does). */
    public static JsonFileFlagStore of(Path file) {
        return new JsonFileFlagStore(Objects.requireNonNull(file, "file"));
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized StoreSnapshot load() throws IOException {
        refresh();
        return Objects.requireNonNull(current);
    }

    @Override
    public synchronized long headRevision() throws IOException {
        refresh();
        return revision;
    }

    private void refresh() throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "flag file does not exist");
        }
        if (current != null
                && attrs.size() == seenSize
                && attrs.lastModifiedTime().equals(seenModified)
                && java.util.Objects.equals(attrs.fileKey(), seenFileKey)) {
            return; // an atomic replace changes the file key (inode) even within one mtime tick
        }
        byte[] bytes = Files.readAllBytes(file);
        if (current != null && Arrays.equals(bytes, seenContent)) {
            seenSize = attrs.size();
            seenModified = attrs.lastModifiedTime();
            seenFileKey = attrs.fileKey();
            return;
        }
        // the modification time makes the revision the same in every process reading this file;
        // max(.., revision + 1) keeps it strictly increasing if the clock or mtime goes back
        long next = Math.max(revision + 1, attrs.lastModifiedTime().toMillis());
        StoreSnapshot parsed = parse(bytes, next);
        revision = next;
        current = parsed;
        seenContent = bytes;
        seenSize = attrs.size();
        seenModified = attrs.lastModifiedTime();
        seenFileKey = attrs.fileKey();
    }

    /**
     * Splits the file into its flag elements, each handed on as its exact text: the client's strict
     * parser then judges each flag alone, so one bad flag (even one with a duplicate field, which a
     * tree would silently collapse) is rejected without taking the others down.
     */
    private StoreSnapshot parse(byte[] bytes, long rev) throws IOException {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        List<RawFlag> raw = new ArrayList<>();
        try (JsonParser p = LENIENT.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed(text);
            }
            boolean found = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!"flags".equals(field)) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw malformed(text);
                }
                found = true;
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getCharOffset();
                    raw.add(element(text.substring(start, end), i++));
                }
            }
            if (!found) {
                throw malformed(text);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new FlagStoreException(
                    file + " is not valid JSON: " + e.getOriginalMessage()
                            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"),
                    e);
        }
        return new StoreSnapshot(rev, raw);
    }

    /**
     * The error for a file that is JSON but not a flag file: names the file, what was expected and
     * what the top level is, so the client's status says what to fix.
     */
    private FlagStoreException malformed(String text) {
        String found;
        try {
            found = describeFound(LENIENT.readTree(text));
        } catch (IOException e) {
            found = "it cannot be read as JSON: " + e.getMessage();
        }
        return new FlagStoreException(
                file + ": expected an object with a \"flags\" array ({\"flags\": [ <flag>, ... ]}), but " + found);
    }

    private static String describeFound(@Nullable JsonNode root) {
        if (root == null || root.isMissingNode()) {
            return "the file is empty";
        }
        if (!root.isObject()) {
            return "the top level is " + kind(root)
                    + (root.isArray() ? " (put the array under \"flags\": {\"flags\": [...]})" : "");
        }
        if (root.has("flags")) {
            return "\"flags\" is " + kind(root.get("flags"));
        }
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        String shown = keys.size() > 8 ? String.join(", ", keys.subList(0, 8)) + ", ..." : String.join(", ", keys);
        return "the top level is an object with keys [" + shown + "]"
                + (root.has("key") ? " (a single flag: put it in the array, {\"flags\": [ {...} ]})" : "");
    }

    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        } else if (node.isObject()) {
            return "an object";
        } else if (node.isTextual()) {
            return "a string";
        } else if (node.isNumber()) {
            return "a number";
        } else if (node.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }

    private static RawFlag element(String json, int index) {
        String key = "flags[" + index + "]";
        long version = 1;
        try {
            JsonNode node = LENIENT.readTree(json);
            if (node != null && node.path("key").isTextual()) {
                key = node.get("key").textValue();
            }
            if (node != null && node.path("version").canConvertToLong()) {
                version = Math.max(1, node.get("version").asLong());
            }
        } catch (IOException e) {
            // handed on as it is: the client rejects it with the parse error, naming the key
        }
        return new RawFlag(key, version, json);
    }

    @Override
    public synchronized Subscription subscribe(ChangeHintListener listener) {
        Objects.requireNonNull(listener, "listener");
        hints.add(listener);
        if (watcher == null) {
            startWatcher();
        }
        return () -> unsubscribe(listener);
    }

    private synchronized void unsubscribe(ChangeHintListener listener) {
        if (hints.remove(listener)) {
            stopWatcher(); // no thread outlives the last subscriber
        }
    }

    private void startWatcher() {
        try {
            WatchService ws = file.getFileSystem().newWatchService();
            file.getParent()
                    .register(
                            ws,
                            StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
            watchService = ws;
            Thread t = DaemonThreads.newThread("cutover-flags-file-watch", () -> watch(ws));
            t.start();
            watcher = t;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot watch {} for changes; polling only: {}", file, e.toString());
        }
    }

    private void watch(WatchService ws) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = ws.take();
                boolean ours = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    Object context = event.context();
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW
                            || (context instanceof Path p && p.equals(file.getFileName()))) {
                        ours = true;
                    }
                }
                key.reset();
                if (ours) {
                    hints.fire();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    @Override
    public String describe() {
        return "file:" + file.getFileName();
    }

    /** Stops the file watcher. */
    @Override
    public synchronized void close() {
        hints.clear();
        stopWatcher();
    }

    private void stopWatcher() {
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                LOG.debug("closing watch service", e);
            }
            watchService = null;
        }
        if (watcher != null) {
            watcher.interrupt();
            watcher = null;
        }
    }
}
