package dev.cutover.replication.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.replication.ndjson.NdjsonSource;
import dev.cutover.replication.ndjson.NdjsonSource.Format;
import dev.cutover.replication.ndjson.NdjsonSource.Rejection;
import dev.cutover.replication.spi.SegmentedSource.Page;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NdjsonSource} on backup files of the second seed's shape, good and broken. */
class NdjsonSourceTest {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
    }

    /** Lines {@code {"id":"k0","v":1}} to {@code {"id":"k99","v":1}}. */
    private static String hundredLines() {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            content.append("{\"id\":\"k").append(i).append("\",\"v\":1}\n");
        }
        return content.toString();
    }

    private static List<Change> readAll(NdjsonSource source, int limit) throws Exception {
        List<Change> all = new ArrayList<>();
        for (int s = 0; s < source.segments(); s++) {
            String token = null;
            do {
                Page page = source.readPage(s, token, limit);
                all.addAll(page.rows());
                token = page.next();
            } while (token != null);
        }
        return all;
    }

    @Test
    void dataPipelineAndS3ExportLinesBecomePlainItems() throws Exception {
        Path file = write(
                "backup.json",
                String.join(
                        "\n",
                        "{\"id\":{\"s\":\"cust-1\"},\"rev\":{\"n\":\"3\"},\"score\":{\"n\":\"1.50\"},\"vip\":{\"bOOL\":true},"
                                + "\"tags\":{\"sS\":[\"a\",\"b\"]},\"addr\":{\"m\":{\"zip\":{\"s\":\"10115\"}}},\"gone\":{\"nULLValue\":true}}",
                        "{\"Item\":{\"id\":{\"S\":\"cust-2\"},\"rev\":{\"N\":\"12345678901234567890\"},\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"}]},"
                                + "\"ns\":{\"NS\":[\"2\",\"3.5\"]},\"blob\":{\"B\":\"AAE=\"}}}",
                        ""));
        NdjsonSource source = NdjsonSource.builder(file)
                .format(Format.DYNAMODB_JSON)
                .keyField("id")
                .versionExtractor(item -> item.get("rev")
                        .bigIntegerValue()
                        .mod(BigInteger.valueOf(1000))
                        .longValue())
                .segments(1)
                .build();
        List<Change> rows = readAll(source, 10);
        assertThat(rows).extracting(Change::key).containsExactly("cust-1", "cust-2");
        assertThat(rows.get(0).version()).isEqualTo(3);
        JsonNode first = rows.get(0).payload().deepCopy();
        assertThat(((ObjectNode) first).remove("score").decimalValue()).isEqualByComparingTo("1.50");
        assertThat(first)
                .isEqualTo(
                        JSON.readTree(
                                "{\"id\":\"cust-1\",\"rev\":3,\"vip\":true,\"tags\":[\"a\",\"b\"],\"addr\":{\"zip\":\"10115\"},\"gone\":null}"));
        JsonNode second = rows.get(1).payload();
        assertThat(second.get("rev").bigIntegerValue()).isEqualTo(new BigInteger("12345678901234567890"));
        assertThat(second.get("l").toString()).isEqualTo("[1,\"x\"]");
        assertThat(second.get("ns").toString()).isEqualTo("[2,3.5]");
        assertThat(second.get("blob").textValue()).isEqualTo("AAE=");
        assertThat(source.rejectedCount()).isZero();
    }

    @Test
    void malformedLinesAreRejectedOneByOneNamingTheirLineNumber() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String[] lines = {
            "{\"id\":\"a\",\"v\":1}", // 1 good
            "{\"id\":\"b\",\"v\":2", // 2 truncated JSON
            "[1,2]", // 3 not an object
            "", // 4 blank: skipped, not rejected
            "{\"v\":4}", // 5 no key
            "{\"id\":\"e\",\"v\":\"soon\"}", // 6 version not an integer
            "{\"id\":\"f\",\"v\":0}", // 7 version below 1
            "{\"id\":{\"nested\":1},\"v\":7}", // 8 key not a string
            "{\"id\":\"h\",\"v\":8} {\"id\":\"h2\"}", // 9 two values on one line
            "{\"id\":\"" + "k".repeat(1100) + "\",\"v\":9}", // 10 key too long
            "{\"id\":\"j\",\"v\":10}\r", // 11 good, CRLF
        };
        for (String l : lines) {
            bytes.write(l.getBytes(StandardCharsets.UTF_8));
            bytes.write('\n');
        }
        bytes.write(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'}); // 12 broken UTF-8
        bytes.write(("{\"id\":\"m\",\"v\":13,\"pad\":\"" + "x".repeat(2000) + "\"}\n")
                .getBytes(StandardCharsets.UTF_8)); // 13 too long
        bytes.write("{\"id\":\"n\",\"v\":14}".getBytes(StandardCharsets.UTF_8)); // 14 good, no final newline
        Path file = Files.write(dir.resolve("broken.json"), bytes.toByteArray());
        List<Rejection> rejections = new ArrayList<>();
        NdjsonSource source = NdjsonSource.builder(file)
                .keyField("id")
                .versionField("v")
                .maxLineBytes(1024)
                .segments(3)
                .onRejection(rejections::add)
                .build();
        List<Change> rows = readAll(source, 2);
        assertThat(rows).extracting(Change::key).containsExactlyInAnyOrder("a", "j", "n");
        assertThat(rejections)
                .extracting(Rejection::lineNumber)
                .containsExactlyInAnyOrder(2L, 3L, 5L, 6L, 7L, 8L, 9L, 10L, 12L, 13L);
        assertThat(source.rejectedCount()).isEqualTo(10);
        assertThat(reason(rejections, 3)).contains("array");
        assertThat(reason(rejections, 5)).contains("'id'").contains("missing");
        assertThat(reason(rejections, 6)).contains("'v'");
        assertThat(reason(rejections, 7)).contains("below 1");
        assertThat(reason(rejections, 10)).contains("longer than 1024");
        assertThat(reason(rejections, 13)).contains("longer than 1024 bytes");
        for (Rejection r : rejections) {
            assertThat(r.reason()).as("no data in %s", r).doesNotContain("soon").doesNotContain("kkkk");
        }
    }

    private static String reason(List<Rejection> rejections, long line) {
        return rejections.stream()
                .filter(r -> r.lineNumber() == line)
                .findFirst()
                .orElseThrow()
                .reason();
    }

    @Test
    void stampedVersionsComeFromTheClock() throws Exception {
        Path file = write("plain.json", "{\"id\":\"a\"}\n{\"id\":7}\n");
        HybridLogicalClock clock = new HybridLogicalClock();
        long before = clock.next();
        NdjsonSource source = NdjsonSource.builder(file)
                .keyField("id")
                .stampWith(clock)
                .segments(1)
                .build();
        List<Change> rows = readAll(source, 5);
        assertThat(rows).extracting(Change::key).containsExactly("a", "7");
        assertThat(rows).allMatch(c -> c.version() > before);
    }

    @Test
    void tokensAreCheckedAgainstTheSegmentAndLineStarts() throws Exception {
        Path file = write("tokens.json", hundredLines());
        NdjsonSource source = NdjsonSource.builder(file)
                .keyField("id")
                .versionField("v")
                .segments(4)
                .build();
        Page page = source.readPage(1, null, 3);
        String token = page.next();
        assertThat(token).matches("[0-9]+:[0-9]+");
        String fourth = source.readPage(1, null, 4).rows().get(3).key();
        assertThat(source.readPage(1, token, 1).rows()).extracting(Change::key).containsExactly(fourth);
        long offset = Long.parseLong(token.substring(0, token.indexOf(':')));
        String line = token.substring(token.indexOf(':') + 1);
        for (String bad : List.of((offset + 1) + ":" + line, "0:1", offset + ":999", "x", offset + "", "-1:1")) {
            assertThatThrownBy(() -> source.readPage(1, bad, 1))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("segment 1");
        }
        assertThatThrownBy(() -> source.readPage(2, token, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> source.readPage(4, null, 1)).hasMessageContaining("but was 4");
        assertThatThrownBy(() -> source.readPage(0, null, 0)).hasMessageContaining("but was 0");
    }

    @Test
    void theLayoutFollowsTheSegmentsByteRanges() throws Exception {
        Path file = write("layout.json", hundredLines());
        long size = Files.size(file);
        NdjsonSource first = NdjsonSource.builder(file)
                .keyField("id")
                .versionField("v")
                .segments(4)
                .build();
        assertThat(first.layout())
                .matches("ndjson byte ranges, 4 segments, " + size + " bytes, starts sha-256 [0-9a-f]{16}");
        NdjsonSource rebuilt = NdjsonSource.builder(file)
                .format(Format.PLAIN)
                .keyField("id")
                .stampWith(new HybridLogicalClock())
                .segments(4)
                .build();
        assertThat(rebuilt.layout())
                .as("the same file and count, other settings")
                .isEqualTo(first.layout());
        assertThat(NdjsonSource.builder(file)
                        .keyField("id")
                        .versionField("v")
                        .segments(5)
                        .build()
                        .layout())
                .isNotEqualTo(first.layout());

        // the same lines in reverse order: the same size, but the segments start at other offsets
        List<String> lines = new ArrayList<>(hundredLines().lines().toList());
        Collections.reverse(lines);
        Path other = write("layout-reversed.json", String.join("\n", lines) + "\n");
        NdjsonSource otherStarts = NdjsonSource.builder(other)
                .keyField("id")
                .versionField("v")
                .segments(4)
                .build();
        assertThat(Files.size(other)).isEqualTo(size);
        assertThat(otherStarts.layout()).isNotEqualTo(first.layout());

        Files.writeString(file, "{\"id\":\"k100\",\"v\":1}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        NdjsonSource grown = NdjsonSource.builder(file)
                .keyField("id")
                .versionField("v")
                .segments(4)
                .build();
        assertThat(grown.layout()).as("the file grew").isNotEqualTo(first.layout());
    }

    @Test
    void badSettingsAreRejectedNamingTheValue() throws Exception {
        Path file = write("empty.json", "");
        NdjsonSource.Builder b = NdjsonSource.builder(file);
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("key");
        b.keyField("id");
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> b.segments(0)).hasMessageContaining("but was 0");
        assertThatThrownBy(() -> b.maxLineBytes(10)).hasMessageContaining("but was 10");
        assertThatThrownBy(() -> b.keyField("")).hasMessageContaining("''");
        NdjsonSource empty = b.versionField("v").segments(3).build();
        assertThat(readAll(empty, 5)).isEmpty();
        assertThatThrownBy(() -> NdjsonSource.builder(dir.resolve("missing.json"))
                        .keyField("id")
                        .versionField("v")
                        .build())
                .isInstanceOf(IOException.class);
    }
}
