package dev.cutover.replication.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Change;
import dev.cutover.replication.ndjson.NdjsonSource;
import dev.cutover.replication.spi.SegmentedSource.Page;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Whatever the file, segment count and page size: every good line is read exactly once, as the
 * right key and version, and every malformed line is rejected exactly once with its line number.
 * Nothing is dropped silently.
 */
class NdjsonSourceProperties {
    private final List<Path> files = new ArrayList<>();

    @AfterProperty
    void deleteFiles() throws Exception {
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
    }

    /** One line: good (key, version) or one of several kinds of bad. */
    record Line(int kind, int n) {
        static final int GOOD = 0;

        String text() {
            return switch (kind) {
                case GOOD -> "{\"id\":\"k" + n + "\",\"v\":" + (n + 1) + ",\"text\":\"é " + "x".repeat(n % 37) + "\"}";
                case 1 -> "{\"id\":\"k" + n + "\","; // truncated
                case 2 -> "\"just a string\""; // not an object
                case 3 -> "{\"v\":" + n + "}"; // no key
                case 4 -> "{\"id\":\"k" + n + "\",\"v\":-" + n + "}"; // bad version
                case 5 -> ""; // blank: skipped, not rejected
                default -> "   \t"; // blank too
            };
        }

        boolean rejected() {
            return kind >= 1 && kind <= 4;
        }
    }

    @Provide
    Arbitrary<List<Line>> files() {
        Arbitrary<Integer> kind = Arbitraries.frequency(
                Tuple.of(12, 0),
                Tuple.of(1, 1),
                Tuple.of(1, 2),
                Tuple.of(1, 3),
                Tuple.of(1, 4),
                Tuple.of(1, 5),
                Tuple.of(1, 6));
        return kind.list().ofMaxSize(120).map(kinds -> {
            List<Line> lines = new ArrayList<>();
            for (int i = 0; i < kinds.size(); i++) {
                lines.add(new Line(kinds.get(i), i));
            }
            return lines;
        });
    }

    @Property(tries = 150)
    void everyLineIsReadOrRejectedExactlyOnce(
            @ForAll("files") List<Line> lines,
            @ForAll @IntRange(min = 1, max = 12) int segments,
            @ForAll @IntRange(min = 1, max = 9) int limit,
            @ForAll boolean crlf,
            @ForAll boolean finalNewline)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            bytes.write(lines.get(i).text().getBytes(StandardCharsets.UTF_8));
            if (i < lines.size() - 1 || finalNewline) {
                bytes.write((crlf ? "\r\n" : "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        Path file = Files.createTempFile("ndjson-property-", ".json");
        files.add(file);
        Files.write(file, bytes.toByteArray());
        Map<Long, Integer> rejectedLines = new HashMap<>();
        NdjsonSource source = NdjsonSource.builder(file)
                .keyField("id")
                .versionField("v")
                .segments(segments)
                .onRejection(r -> rejectedLines.merge(r.lineNumber(), 1, Integer::sum))
                .build();
        assertThat(source.segments()).isEqualTo(segments);

        Map<String, Long> read = new HashMap<>();
        for (int s = 0; s < segments; s++) {
            String token = null;
            do {
                Page page = source.readPage(s, token, limit);
                assertThat(page.rows().size()).isLessThanOrEqualTo(limit);
                for (Change c : page.rows()) {
                    assertThat(read.put(c.key(), c.version()))
                            .as("%s read twice", c.key())
                            .isNull();
                }
                token = page.next();
            } while (token != null);
        }
        Map<String, Long> expected = new HashMap<>();
        Map<Long, Integer> expectedRejections = new HashMap<>();
        for (Line l : lines) {
            if (l.kind() == Line.GOOD) {
                expected.put("k" + l.n(), l.n() + 1L);
            } else if (l.rejected()) {
                expectedRejections.put(l.n() + 1L, 1);
            }
        }
        assertThat(read).isEqualTo(expected);
        assertThat(rejectedLines).isEqualTo(expectedRejections);
    }
}
