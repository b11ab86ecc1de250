package dev.cutover.replication.internal.ndjson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.replication.Change;
import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.replication.SourceRejection;
import dev.cutover.replication.internal.Keys;
import dev.cutover.replication.spi.SegmentedSource.Page;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Reads pages of a newline-delimited JSON file: the lines of a segment from a token, each turned
 * into an upsert or rejected with its line number (returned with the page, and told to the
 * source). Thread-safe: each read opens its own channel.
 */
public final class NdjsonReader {
    /** Receives a rejected line. */
    @FunctionalInterface
    public interface Rejector {
        void reject(long lineNumber, long byteOffset, String reason);
    }

    private final Path file;
    private final NdjsonLayout layout;
    private final ObjectMapper mapper;
    private final boolean dynamoDb;
    private final Function<JsonNode, @Nullable String> keys;
    private final @Nullable ToLongFunction<JsonNode> versions;
    private final @Nullable HybridLogicalClock clock;
    private final int maxLineBytes;
    private final Rejector rejector;

    public NdjsonReader(
            Path file,
            NdjsonLayout layout,
            ObjectMapper mapper,
            boolean dynamoDb,
            Function<JsonNode, @Nullable String> keys,
            @Nullable ToLongFunction<JsonNode> versions,
            @Nullable HybridLogicalClock clock,
            int maxLineBytes,
            Rejector rejector) {
        this.file = file;
        this.layout = layout;
        this.mapper = mapper;
        this.dynamoDb = dynamoDb;
        this.keys = keys;
        this.versions = versions;
        this.clock = clock;
        this.maxLineBytes = maxLineBytes;
        this.rejector = rejector;
    }

    /** Up to {@code limit} rows of {@code segment} from {@code token}; the token is checked here. */
    public Page readPage(int segment, @Nullable String token, int limit) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = layout.starts()[segment + 1];
            long start = layout.starts()[segment];
            long line = layout.firstLines()[segment];
            if (token != null) {
                long[] at = parseToken(ch, segment, token);
                start = at[0];
                line = at[1];
            }
            LineScanner scanner = new LineScanner(ch, start, end, line, maxLineBytes);
            List<Change> rows = new ArrayList<>();
            List<SourceRejection> rejected = new ArrayList<>();
            // rejected lines count toward the limit: a dump of nothing but bad lines reads in bounded pages
            for (LineScanner.Line l; rows.size() + rejected.size() < limit && (l = scanner.next()) != null; ) {
                Change c = change(l, rejected);
                if (c != null) {
                    rows.add(c);
                }
            }
            boolean more = scanner.position() < end;
            return new Page(rows, rejected, more ? scanner.position() + ":" + scanner.lineNumber() : null);
        }
    }

    /** {@code [offset, line]} of a token {@code "<offset>:<line>"} this file's segment could have issued. */
    private long[] parseToken(FileChannel ch, int segment, String token) throws IOException {
        long offset;
        long line;
        try {
            int colon = token.indexOf(':');
            offset = Long.parseLong(token.substring(0, colon));
            line = Long.parseLong(token.substring(colon + 1));
        } catch (RuntimeException e) {
            throw badToken(segment, token);
        }
        long start = layout.starts()[segment];
        long end = layout.starts()[segment + 1];
        long first = layout.firstLines()[segment];
        // a token points past at least one line of the segment, at a line start, to a line number
        // no greater than one per byte read
        if (offset <= start || offset > end || line <= first || line - first > offset - start) {
            throw badToken(segment, token);
        }
        ByteBuffer before = ByteBuffer.allocate(1);
        if (ch.read(before, offset - 1) != 1 || before.get(0) != '\n') {
            throw badToken(segment, token);
        }
        return new long[] {offset, line};
    }

    private IllegalArgumentException badToken(int segment, String token) {
        return new IllegalArgumentException(
                "token " + Keys.escape(token) + " was not issued for segment " + segment + " of " + file);
    }

    /** The change a line holds, or null when it is blank or rejected. */
    private @Nullable Change change(LineScanner.Line l, List<SourceRejection> rejected) {
        if (l.tooLong) {
            return reject(rejected, l, null, "longer than " + maxLineBytes + " bytes");
        }
        if (isBlank(l)) {
            return null;
        }
        JsonNode node;
        try {
            node = mapper.readTree(l.bytes, 0, l.length);
        } catch (JsonProcessingException e) {
            // the location only: a parse error's message quotes the data
            return reject(
                    rejected,
                    l,
                    null,
                    "not valid JSON (column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            return reject(rejected, l, null, "not readable as JSON");
        }
        if (node == null || !node.isObject()) {
            return reject(rejected, l, null, "not a JSON object but " + (node == null ? "nothing" : kind(node)));
        }
        String key = null;
        try {
            JsonNode item = dynamoDb ? DynamoDbExportLine.plainItem(node) : node;
            key = keys.apply(item);
            if (key == null || key.isEmpty()) {
                return reject(rejected, l, null, "no key");
            }
            String bad = Keys.unstorable(key);
            if (bad != null || key.length() > Change.MAX_KEY_LENGTH) {
                // a key too long is not kept: a line may hold megabytes of it; the reason shows its start
                return reject(
                        rejected,
                        l,
                        bad != null ? key : null,
                        "key " + Keys.escape(key) + " "
                                + (bad != null ? bad : "is longer than " + Change.MAX_KEY_LENGTH));
            }
            long version = versions != null
                    ? versions.applyAsLong(item)
                    : Objects.requireNonNull(clock).next();
            if (version < 1) {
                return reject(rejected, l, key, "version of key " + Keys.escape(key) + " is " + version + ", below 1");
            }
            return Change.upsert(key, version, item);
        } catch (IllegalArgumentException e) {
            return reject(rejected, l, key, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            return reject(
                    rejected,
                    l,
                    key,
                    "the key or version extractor threw " + e.getClass().getName());
        }
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static boolean isBlank(LineScanner.Line l) {
        for (int i = 0; i < l.length; i++) {
            byte b = l.bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Records a rejected line: in the page, with its number, and told to the source. */
    private @Nullable Change reject(
            List<SourceRejection> rejected, LineScanner.Line l, @Nullable String key, String reason) {
        rejected.add(new SourceRejection(key, "line " + l.number + " (byte " + l.offset + "): " + reason));
        rejector.reject(l.number, l.offset, reason);
        return null;
    }
}
