package dev.cutover.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report is written whole, readable by its owner only, and a path it cannot be written to is
 * refused as a usage error before anything is created, by {@code checkWritable} and {@code write}
 * alike.
 */
class ReportsTest {
    @TempDir
    Path dir;

    private static ObjectNode report() {
        ObjectNode json = Json.object().put("schema", "cutover.test/1").put("key", "Zoë ✓ 𝄞");
        json.putArray("rows").add(1).add(Long.MAX_VALUE);
        return json;
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aNewReportIsPrettyUtf8JsonOnlyItsOwnerCanRead() throws IOException {
        Path file = dir.resolve("report.json");
        Reports.write(file, report());

        byte[] bytes = Files.readAllBytes(file);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo(Json.MAPPER.writeValueAsString(report()) + "\n")
                .contains("\n  \"key\" : \"Zoë ✓ 𝄞\"");
        assertThat(Json.MAPPER.readTree(bytes)).isEqualTo(report());
        assertThat(permissions(file)).isEqualTo("rw-------");
        assertThat(listing()).containsExactly("", "report.json");
    }

    @Test
    void anOverwrittenReportIsReplacedWholeAndLosesItsWiderPermissions() throws IOException {
        Path file = dir.resolve("report.json");
        Files.writeString(file, "an older, longer report than the one that replaces it".repeat(100));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        Reports.write(file, report());

        assertThat(Json.MAPPER.readTree(file.toFile())).isEqualTo(report());
        assertThat(permissions(file)).isEqualTo("rw-------");
        assertThat(listing()).as("no temporary file left").containsExactly("", "report.json");
    }

    @Test
    void aRelativePathIsCheckedAndNamedAsGiven() {
        Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("missing/report.json"));
        assertThat(refusal(relative))
                .isEqualTo("Invalid value for option '--report': directory " + relative.getParent()
                        + " does not exist; create it first");
        assertThat(relative.getParent().toString()).startsWith("..");
    }

    @Test
    void aMissingDirectoryIsRefusedAndNotCreated() throws IOException {
        Path file = dir.resolve("nonexistent/dir/report.json");
        assertThat(refusal(file))
                .isEqualTo("Invalid value for option '--report': directory " + dir.resolve("nonexistent/dir")
                        + " does not exist; create it first");
        assertThat(listing()).containsExactly("");
    }

    @Test
    void aFileAsTheDirectoryIsRefusedAndLeftAlone() throws IOException {
        Path notADir = Files.writeString(dir.resolve("file.txt"), "keep me");
        assertThat(refusal(notADir.resolve("x.json")))
                .isEqualTo("Invalid value for option '--report': " + notADir
                        + " is not a directory; give a file in an existing directory");
        assertThat(notADir).isRegularFile().hasContent("keep me");
        assertThat(listing()).containsExactly("", "file.txt");
    }

    @Test
    void aDirectoryAsTheReportIsRefusedAndLeftEmpty() throws IOException {
        Path reports = Files.createDirectory(dir.resolve("reports"));
        assertThat(refusal(reports))
                .isEqualTo("Invalid value for option '--report': " + reports
                        + " is a directory; give a file name, such as " + reports.resolve("report.json"));
        assertThat(listing()).containsExactly("", "reports");
    }

    /**
     * A read-only file system refuses even root, who writes in any directory whatever its mode: the
     * JDK's own {@code jrt:/} file system stands for one.
     */
    @Test
    void aDirectoryNobodyCanWriteToIsRefused() {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        Path lang = jrt.getPath("/modules/java.base/java/lang");
        assertThat(lang).isDirectory();
        assertThat(refusal(lang.resolve("report.json")))
                .isEqualTo("Invalid value for option '--report': directory /modules/java.base/java/lang"
                        + " is not writable; choose another directory or make it writable");
        assertThat(lang.resolve("report.json")).doesNotExist();
    }

    @Test
    void aFileSystemWithoutPosixPermissionsIsJustWrittenTo() throws IOException {
        try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("reports.zip"), Map.of("create", "true"))) {
            assertThat(zip.supportedFileAttributeViews()).doesNotContain("posix");
            Path file = zip.getPath("/report.json");
            assertThatCode(() -> Reports.checkWritable(file)).doesNotThrowAnyException();
            Reports.write(file, report());
            Reports.write(file, report().put("again", true));
            assertThat(Json.MAPPER.readTree(Files.readAllBytes(file))).isEqualTo(report().put("again", true));
            try (Stream<Path> files = Files.list(zip.getPath("/"))) {
                assertThat(files.map(Path::toString)).containsExactly("/report.json");
            }
        }
    }

    @Test
    void checkingAWritablePathCreatesNothing() throws IOException {
        Files.writeString(dir.resolve("old.json"), "{}");
        Reports.checkWritable(dir.resolve("new.json"));
        Reports.checkWritable(dir.resolve("old.json"));
        assertThat(listing()).containsExactly("", "old.json");
        assertThat(dir.resolve("old.json")).hasContent("{}");
    }

    /**
     * The message both {@code checkWritable} and {@code write} refuse {@code file} with; they must
     * agree, and both as a usage error.
     */
    private static String refusal(Path file) {
        CliException checked = catchThrowableOfType(CliException.class, () -> Reports.checkWritable(file));
        CliException written = catchThrowableOfType(CliException.class, () -> Reports.write(file, report()));
        assertThat(checked).as("checkWritable(%s)", file).isNotNull();
        assertThat(written).as("write(%s)", file).isNotNull();
        assertThat(checked.exitCode()).isEqualTo(Exit.USAGE);
        assertThat(written.exitCode()).isEqualTo(Exit.USAGE);
        assertThat(written.getMessage()).isEqualTo(checked.getMessage());
        return checked.getMessage();
    }
}
