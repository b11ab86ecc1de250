package dev.cutover.examples.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first Quick start command runs this demo; every one of its checks must pass. */
class FlagsDemoTest {

    @Test
    void everyCheckOfTheDemoPasses(@TempDir Path dir) throws Exception {
        assertThat(new FlagsDemo().run(dir)).as("demo exit status").isZero();
    }
}
