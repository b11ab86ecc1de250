package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.store.JsonFileFlagStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flag file format the README shows is the one the store reads, and a file of another shape
 * leaves the client FAILED with a status that names the file, what was expected and what it found.
 */
class FlagFileFormatTest {
    private static final Pattern README_EXAMPLE =
            Pattern.compile("<!-- flag-file-example[^>]*-->\\s*```json\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleLoadsCompletely() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = README_EXAMPLE.matcher(readme);
        assertThat(m.find()).as("README.md has the flag-file example").isTrue();
        Path file = dir.resolve("flags.json");
        Files.writeString(file, m.group(1));
        try (JsonFileFlagStore store = JsonFileFlagStore.of(file);
                FlagClient client = FlagClient.builder(store)
                        .pollInterval(Duration.ofHours(1))
                        .build()) {
            ClientStatus s = client.status();
            assertThat(s.state()).as("%s", s).isEqualTo(ClientStatus.State.READY);
            assertThat(s.flagCount()).isEqualTo(2);
            assertThat(s.rejectedFlags()).isZero();
            assertThat(client.stringValue("orders.migration", EvaluationContext.of("c-1"), "OLD_ONLY"))
                    .isEqualTo("DUAL_WRITE");
            assertThat(client.booleanDetail("orders.new-checkout", EvaluationContext.of("c-1"), false)
                            .reason())
                    .isEqualTo(Reason.ROLLOUT);
        }
    }

    @Test
    void aSingleFlagObjectFailsNamingTheFileWhatWasExpectedAndItsKeys() throws Exception {
        String status = lastErrorFor(Flag.booleanFlag("solo", true).toJson());
        assertThat(status)
                .startsWith(dir.resolve("flags.json").toAbsolutePath() + ": expected an object with a \"flags\" array")
                .contains("but the top level is an object with keys [key, ")
                .contains("a single flag: put it in the array")
                .doesNotContain("IOException");
    }

    @Test
    void otherShapesSayWhatTheyAre() throws Exception {
        assertThat(lastErrorFor("[" + Flag.booleanFlag("a", true).toJson() + "]"))
                .contains("expected an object with a \"flags\" array")
                .contains("but the top level is an array");
        assertThat(lastErrorFor("{\"flags\": {\"key\": \"a\"}}")).contains("but \"flags\" is an object");
        assertThat(lastErrorFor("{\"feature\": true, \"other\": 1}"))
                .contains("but the top level is an object with keys [feature, other]");
        assertThat(lastErrorFor("\"flags\"")).contains("but the top level is a string");
        assertThat(lastErrorFor("{\"flags\": ["))
                .contains("flags.json is not valid JSON")
                .contains("line 1");
    }

    private String lastErrorFor(String content) throws Exception {
        Path file = dir.resolve("flags.json");
        Files.writeString(file, content);
        try (JsonFileFlagStore store = JsonFileFlagStore.of(file);
                FlagClient client = FlagClient.builder(store)
                        .pollInterval(Duration.ofHours(1))
                        .storeRetry(1, Duration.ofMillis(10))
                        .build()) {
            ClientStatus s = client.status();
            assertThat(s.state()).as("%s", s).isEqualTo(ClientStatus.State.FAILED);
            assertThat(s.lastError()).isNotNull();
            return s.lastError();
        }
    }
}
