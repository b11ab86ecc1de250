package dev.cutover.replication.ndjson;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.replication.Change;
import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.replication.internal.PayloadJson;
import dev.cutover.replication.internal.ndjson.NdjsonLayout;
import dev.cutover.replication.internal.ndjson.NdjsonReader;
import dev.cutover.replication.spi.SegmentedSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SegmentedSource} over a newline-delimited JSON file: one JSON object per line, such as
 * a DynamoDB backup (Data Pipeline or S3 export, typed values) or any plain JSON dump. Every line
 * becomes an upsert.
 *
 * <pre>{@code
 * NdjsonSource dump = NdjsonSource.builder(Path.of("customers-2018-10-01.json"))
 *     .format(NdjsonSource.Format.DYNAMODB_JSON)   // {"id": {"S": "c-1"}} read as {"id": "c-1"}
 *     .keyField("id")
 *     .versionField("revision")                  // or .stampWith(clock): a version at read time
 *     .segments(16)
 *     .onRejection(r -> report.rejected(r))      // each malformed line, with its number
 *     .build();                                  // one pass to place the segments
 * }</pre>
 *
 * <p><b>Segments</b> are byte ranges of about equal size, each starting at a line start; the pass
 * at {@link Builder#build()} also numbers the lines. The file must not change afterwards (a backup
 * does not); a backfill resumed over a file whose segments moved is refused (see {@link
 * #layout()}). A token is {@code "<byte offset>:<line number>"} of the next line, checked to lie in
 * the segment at a line start. Lines end at {@code \n} ({@code \r\n} too); empty and blank lines
 * are skipped (they hold nothing).
 *
 * <p><b>Rejections.</b> A line that is not valid UTF-8 JSON, not an object, longer than {@link
 * Builder#maxLineBytes}, not typed DynamoDB JSON (in that format), or whose key or version cannot
 * be extracted (missing, of the wrong type, a key longer than {@value Change#MAX_KEY_LENGTH}
 * characters, a version below 1), is not migrated, and reported: returned in the page's {@link
 * SegmentedSource.Page#rejected()} (its key when one was read, and a reason starting {@code "line
 * <n> (byte <offset>): "}), so a backfill counts and lists it and a reconciliation reports it as
 * not migrated; logged at WARN with the line number, counted ({@link #rejectedCount()}) and handed
 * to the listener. Reasons name line numbers and field names, never the line's data. A rejected
 * line counts toward a page's limit. A line is reported each time it is read, so a segment read
 * twice reports its bad lines twice.
 *
 * <p><b>Versions.</b> With {@link Builder#versionField} each row carries its own; with {@link
 * Builder#stampWith} each row read gets the clock's next stamp: a live change stamped later by
 * the same clock (or a synchronized one) wins over the dump, one stamped earlier loses, so stamp
 * with the observer's clock and start the observer before the backfill. Thread-safe.
 *
 * @since 0.1.0
 */
public final class NdjsonSource implements SegmentedSource {
    private static final Logger LOG = LoggerFactory.getLogger(NdjsonSource.class);

    /**
     * How lines encode an item.
     *
     * @since 0.1.0
     */
    public enum Format {
        /** Each line is the item as plain JSON. */
        PLAIN,
        /** Each line is a DynamoDB item in typed JSON, optionally wrapped in {@code {"Item": ...}}. */
        DYNAMODB_JSON
    }

    /**
     * One rejected line.
     *
     * @param lineNumber 1-based
     * @param byteOffset where the line starts
     * @param reason why, without the line's data
     * @since 0.1.0
     */
    public record Rejection(long lineNumber, long byteOffset, String reason) {
        @Override
        public String toString() {
            return "line " + lineNumber + " (byte " + byteOffset + "): " + reason;
        }
    }

    private final Path file;
    private final Format format;
    private final Consumer<Rejection> listener;
    private final NdjsonLayout layout;
    private final NdjsonReader reader;
    private final AtomicLong rejected = new AtomicLong();

    private NdjsonSource(Builder b, Function<JsonNode, @Nullable String> keys, NdjsonLayout layout) {
        this.file = b.file;
        this.format = b.format;
        this.listener = b.listener;
        this.layout = layout;
        this.reader = new NdjsonReader(
                file,
                layout,
                b.mapper,
                b.format == Format.DYNAMODB_JSON,
                keys,
                b.versions,
                b.clock,
                b.maxLineBytes,
                this::reject);
    }

    /** Starts configuring a source over {@code file}. */
    public static Builder builder(Path file) {
        return new Builder(file);
    }

    @Override
    public int segments() {
        return layout.segments();
    }

    /**
     * {@code "ndjson byte ranges, <n> segments, <size> bytes, starts sha-256 <16 hex digits>"}: the
     * segments' byte ranges, which {@link Builder#build()} places from the segment count and the
     * file's content. A source built again over the same, unchanged file with the same count has
     * the same layout, so a backfill resumes; one over a file whose size or segment starts changed
     * gets another, and the backfill's checkpoints refuse it.
     */
    @Override
    public String layout() {
        return layout.id();
    }

    /** Lines rejected so far, counting a line again each time it is read. */
    public long rejectedCount() {
        return rejected.get();
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws IOException {
        if (segment < 0 || segment >= segments()) {
            throw new IllegalArgumentException("segment must be 0 to " + (segments() - 1) + " but was " + segment);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        return reader.readPage(segment, token, limit);
    }

    private void reject(long lineNumber, long byteOffset, String reason) {
        Rejection r = new Rejection(lineNumber, byteOffset, reason);
        rejected.incrementAndGet();
        LOG.warn("{}: rejected {}", file, r);
        listener.accept(r);
    }

    @Override
    public String describe() {
        return "NDJSON file " + file + " (" + format + ", " + segments() + " segments)";
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Configures an {@link NdjsonSource}; each setting is checked when set, naming a bad value. A
     * key ({@link #keyField} or {@link #keyExtractor}) and a version ({@link #versionField}, {@link
     * #versionExtractor} or {@link #stampWith}) are required.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final Path file;
        private Format format = Format.PLAIN;
        private @Nullable Function<JsonNode, @Nullable String> keys;
        private @Nullable ToLongFunction<JsonNode> versions;
        private @Nullable HybridLogicalClock clock;
        private int segments = 8;
        private int maxLineBytes = 16 * 1024 * 1024;
        private Consumer<Rejection> listener = r -> {};
        private ObjectMapper mapper = PayloadJson.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();

        private Builder(Path file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        /** How lines encode items; default {@link Format#PLAIN}. */
        public Builder format(Format format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** The key is this top-level field of the (plain) item: a string, or an integer written as text. */
        public Builder keyField(String field) {
            requireField("keyField", field);
            this.keys = item -> {
                JsonNode v = item.get(field);
                if (v == null || v.isNull()) {
                    throw new IllegalArgumentException("key field '" + field + "' is missing");
                }
                if (v.isTextual() || v.isIntegralNumber()) {
                    return v.asText();
                }
                throw new IllegalArgumentException(
                        "key field '" + field + "' is a " + kind(v) + ", not a string or integer");
            };
            return this;
        }

        /**
         * The key is what {@code extractor} returns for the (plain) item; null, or an {@link
         * IllegalArgumentException} whose message names the problem, rejects the line.
         */
        public Builder keyExtractor(Function<JsonNode, @Nullable String> extractor) {
            this.keys = Objects.requireNonNull(extractor, "keyExtractor");
            return this;
        }

        /** The version is this top-level field: an integer, or digits as text, at least 1. */
        public Builder versionField(String field) {
            requireField("versionField", field);
            return versionExtractor(item -> {
                JsonNode v = item.get(field);
                if (v == null || v.isNull()) {
                    throw new IllegalArgumentException("version field '" + field + "' is missing");
                }
                if (v.isIntegralNumber() && v.canConvertToLong()) {
                    return v.longValue();
                }
                if (v.isTextual() && v.textValue().matches("[0-9]{1,18}")) {
                    return Long.parseLong(v.textValue());
                }
                throw new IllegalArgumentException(
                        "version field '" + field + "' is a " + kind(v) + ", not an integer");
            });
        }

        /** The version is what {@code extractor} returns; an {@link IllegalArgumentException} rejects the line. */
        public Builder versionExtractor(ToLongFunction<JsonNode> extractor) {
            this.versions = Objects.requireNonNull(extractor, "versionExtractor");
            this.clock = null;
            return this;
        }

        /** Each row read gets {@code clock}'s next stamp as its version (see the class comment). */
        public Builder stampWith(HybridLogicalClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.versions = null;
            return this;
        }

        /** How many segments: 1 to 65,536; default 8. */
        public Builder segments(int segments) {
            if (segments < 1 || segments > 65_536) {
                throw new IllegalArgumentException("segments must be 1 to 65536 but was " + segments);
            }
            this.segments = segments;
            return this;
        }

        /** Longest line read, in bytes: 1 KiB to 1 GiB; default 16 MiB. Longer lines are rejected. */
        public Builder maxLineBytes(int maxLineBytes) {
            if (maxLineBytes < 1024 || maxLineBytes > 1 << 30) {
                throw new IllegalArgumentException(
                        "maxLineBytes must be 1024 to " + (1 << 30) + " but was " + maxLineBytes);
            }
            this.maxLineBytes = maxLineBytes;
            return this;
        }

        /** Called for each rejected line, on the reading thread; it must not throw. */
        public Builder onRejection(Consumer<Rejection> listener) {
            this.listener = Objects.requireNonNull(listener, "onRejection");
            return this;
        }

        /**
         * The mapper lines are parsed with; default fails on trailing content and reads payloads
         * exactly: integers as {@code long} (or {@code BigInteger}), decimals as {@code BigDecimal}.
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "objectMapper");
            return this;
        }

        /**
         * Scans the file once to place the segments.
         *
         * @throws IllegalStateException when no key or no version was configured
         * @throws IOException when the file cannot be read
         */
        public NdjsonSource build() throws IOException {
            if (keys == null) {
                throw new IllegalStateException("keyField(...) or keyExtractor(...) was not set");
            }
            if (versions == null && clock == null) {
                throw new IllegalStateException(
                        "versionField(...), versionExtractor(...) or stampWith(...) was not set");
            }
            return new NdjsonSource(this, keys, NdjsonLayout.scan(file, segments));
        }

        private static void requireField(String setting, String field) {
            Objects.requireNonNull(field, setting);
            if (field.isEmpty()) {
                throw new IllegalArgumentException(setting + " must not be empty but was ''");
            }
        }

        private static String kind(JsonNode v) {
            return v.getNodeType().name().toLowerCase(Locale.ROOT);
        }
    }
}
