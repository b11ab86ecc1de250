package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.store.JsonFileFlagStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * An edit made at any moment after {@code build()} returns is served by push (the file watch),
 * never left for the next poll: the poll interval is ten minutes, so only push can explain an edit
 * served within the bound. The bound (5 s) is generous for a loaded machine; the watch usually
 * takes milliseconds.
 */
class PushAfterBuildProperties {
    private static final Duration POLL = Duration.ofMinutes(10);
    private static final Duration BOUND = Duration.ofSeconds(5);

    @Property(tries = 15)
    void anEditRightAfterBuildIsServedByTheFileWatch(@ForAll @IntRange(min = 0, max = 200) int delayMillis)
            throws Exception {
        Path dir = Files.createTempDirectory("cutover-push");
        Path file = dir.resolve("flags.json");
        try {
            replace(file, Flag.booleanFlag("switch", true));
            try (JsonFileFlagStore store = JsonFileFlagStore.of(file);
                    FlagClient client =
                            FlagClient.builder(store).pollInterval(POLL).build()) {
                assertThat(client.booleanValue("switch", false)).isTrue();
                LockSupport.parkNanos(Duration.ofMillis(delayMillis).toNanos());
                replace(file, Flag.booleanFlag("switch", false));
                Await.until(
                        "the edit made " + delayMillis + " ms after build() served by push",
                        BOUND,
                        () -> !client.booleanValue("switch", true));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Writes a temporary file and renames it over the flag file, as the store's Javadoc asks. */
    private static void replace(Path file, Flag flag) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "flags", ".tmp");
        Files.writeString(tmp, "{\"flags\":[" + flag.toJson() + "]}");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
