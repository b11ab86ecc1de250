package dev.cutover.flags.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.FlagStore;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only flag store backed by one JSON file that operators edit or a deploy writes:
 * {@code {"flags": [ <flag JSON>, ... ]}}. Each element's {@code key} field is its key and its
 * {@code version} field (default 1) its version. Elements are handed to the client as they are, so
 * one malformed flag is rejected alone while the rest load.
 *
 * <p>The revision is the file's modification time in epoch milliseconds when its content changes
 * (or one more than the previous revision, if that is not higher), so every process reading the
 * same file reports the same revision for the same content; the head check
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
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path file;
  private final List<ChangeHintListener> listeners = new CopyOnWriteArrayList<>();
  private @Nullable FileTime seenModified;
  private long seenSize = -1;
  private byte @Nullable [] seenContent;
  private long revision;
  private @Nullable StoreSnapshot current;
  private @Nullable Thread watcher;
  private @Nullable WatchService watchService;

  private JsonFileFlagStore(Path file) {
    this.file = file.toAbsolutePath().normalize();
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
    if (current != null && attrs.size() == seenSize && attrs.lastModifiedTime().equals(seenModified)) {
      return;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (current != null && Arrays.equals(bytes, seenContent)) {
      seenSize = attrs.size();
      seenModified = attrs.lastModifiedTime();
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
  }

  private StoreSnapshot parse(byte[] bytes, long rev) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IOException("flag file " + file + " is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode flags = root == null ? null : root.get("flags");
    if (flags == null || !flags.isArray()) {
      throw new IOException("flag file " + file + " must be an object with a 'flags' array");
    }
    List<RawFlag> raw = new ArrayList<>();
    int i = 0;
    for (JsonNode f : flags) {
      JsonNode key = f.get("key");
      String k = key != null && key.isTextual() ? key.textValue() : "flags[" + i + "]";
      long version = f.path("version").canConvertToLong() ? f.path("version").asLong(1) : 1;
      raw.add(new RawFlag(k, Math.max(version, 1), f.toString()));
      i++;
    }
    return new StoreSnapshot(rev, raw);
  }

  @Override
  public synchronized Subscription subscribe(ChangeHintListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    if (watcher == null) {
      startWatcher();
    }
    return () -> listeners.remove(listener);
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
      Thread t = new Thread(() -> watch(ws), "cutover-flags-file-watch");
      t.setDaemon(true);
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
          for (ChangeHintListener l : listeners) {
            try {
              l.changed();
            } catch (RuntimeException e) {
              LOG.warn("change hint listener failed", e);
            }
          }
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
