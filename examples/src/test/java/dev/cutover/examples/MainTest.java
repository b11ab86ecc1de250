package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The main job's arguments: bad ones are refused naming the value, before anything starts. */
class MainTest {

    private static String[] run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        return new String[] {Integer.toString(code), bytes.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void anUnknownMigrationIsRefusedNamingItAndTheChoices() throws Exception {
        String[] out = run("warehouse");
        assertThat(out[0]).isEqualTo("2");
        assertThat(out[1])
                .contains("unknown argument 'warehouse'")
                .contains("analytics, rekey, all")
                .contains("usage:");
    }

    @Test
    void aSizeOutOfRangeOrNotANumberIsRefusedNamingIt() throws Exception {
        assertThat(run("--size", "0")[1]).contains("--size must be a whole number from 1 to 100 but was 0");
        assertThat(run("--size", "101")[0]).isEqualTo("2");
        assertThat(run("--size", "big")[1]).contains("but was 'big'");
        assertThat(run("rekey", "--size")[1]).contains("--size needs a value");
    }

    @Test
    void anUnknownQueueIsRefusedNamingIt() throws Exception {
        String[] out = run("analytics", "--queue", "kafka");
        assertThat(out[0]).isEqualTo("2");
        assertThat(out[1]).contains("--queue must be sqs or in-process but was 'kafka'");
        assertThat(run("--queue")[1]).contains("--queue needs a value");
    }

    @Test
    void helpExitsZero() throws Exception {
        String[] out = run("--help");
        assertThat(out[0]).isEqualTo("0");
        assertThat(out[1])
                .contains("analytics")
                .contains("rekey")
                .contains("--size N")
                .contains("--queue Q");
    }
}
