package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The real {@code main} in a child JVM: in a pseudo-terminal (allocated by util-linux {@code
 * script}) the progress bar redraws in place with carriage returns, never wider than the terminal
 * (from {@code COLUMNS}, else {@code stty size}); with standard output and error redirected it
 * prints plain lines and no carriage return at all.
 */
class TerminalProgressTest {

    private static List<String> backfill(TestDatabase db, String id) {
        List<String> cmd = Cli.childJvm();
        cmd.addAll(List.of("backfill", "--backfill-id", id));
        cmd.addAll(OldTables.jdbcSides(db, "old_orders", "new_" + id));
        cmd.addAll(
                List.of("--create-target", "--batch-size", "20", "--source-segments", "2", "--progress-interval", "0"));
        return cmd;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        return run(command, Map.of());
    }

    /**
     * Runs {@code command} with {@code env} added to an environment without {@code COLUMNS}, so that
     * the width is what the test sets, whatever the terminal the build runs in.
     */
    private static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().remove("COLUMNS");
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    @Test
    void onATerminalTheBarRedrawsInPlace() throws Exception {
        String session = inTerminal("pty", "", Map.of());
        // a pty turns each newline into \r\n; a redraw is a carriage return followed by the bar
        long redraws = session.split("\r\\[", -1).length - 1L;
        assertThat(redraws).as(session).isGreaterThanOrEqualTo(10);
        assertThat(session)
                .contains("] 100% 400/400 rows")
                .contains("backfill pty COMPLETED")
                .doesNotContain("backfill pty: ");
        // nothing sized the pseudo-terminal (stty size says 0 0): 80 columns are assumed
        assertThat(redraws(session)).allSatisfy(r -> assertThat(r).hasSizeLessThanOrEqualTo(79));
    }

    @Test
    void onA40ColumnTerminalEveryRedrawFitsIn39Characters() throws Exception {
        String session = inTerminal("narrow", "", Map.of("COLUMNS", "40"));
        List<String> redraws = redraws(session);
        assertThat(redraws).as(session).hasSizeGreaterThanOrEqualTo(10);
        assertThat(redraws)
                .allSatisfy(r ->
                        assertThat(r).hasSizeLessThanOrEqualTo(39).containsPattern("^ *[0-9]{1,3}% [0-9,]+/400 rows"));
        assertThat(session).contains("\r100% 400/400 rows").contains("backfill narrow COMPLETED");
    }

    @Test
    void withoutColumnsTheWidthIsTheTerminals() throws Exception {
        String session = inTerminal("sized", "stty cols 50 && ", Map.of());
        List<String> redraws = redraws(session);
        assertThat(redraws).as(session).hasSizeGreaterThanOrEqualTo(10);
        assertThat(redraws).allSatisfy(r -> assertThat(r).hasSizeLessThanOrEqualTo(49));
        assertThat(session).contains("\r100% 400/400 rows, ");
    }

    /**
     * A backfill {@code id} of 400 rows in a pseudo-terminal, run by the shell after {@code setup},
     * with {@code env} added to its environment; what the terminal showed.
     */
    private static String inTerminal(String id, String setup, Map<String, String> env) throws Exception {
        TestDatabase db = Stores.postgres("cli_" + id);
        OldTables.jdbc(db, "old_orders", 400);
        String shell = setup
                + backfill(db, id).stream().map(TerminalProgressTest::quote).collect(Collectors.joining(" "));
        return run(List.of("script", "-qfec", shell, "/dev/null"), env);
    }

    /**
     * What the bar drew in a terminal session: the text after each carriage return, except the
     * lines that follow one (a pseudo-terminal writes a newline as {@code \r\n}).
     */
    private static List<String> redraws(String session) {
        String[] parts = session.split("\r", -1);
        return Arrays.stream(parts, 1, parts.length)
                .filter(p -> !p.startsWith("\n"))
                .toList();
    }

    @Test
    void elsewhereItPrintsPlainLines() throws Exception {
        TestDatabase db = Stores.postgres("cli_no_pty");
        OldTables.jdbc(db, "old_orders", 400);
        String log = run(backfill(db, "log"));
        assertThat(log)
                .doesNotContain("\r")
                .contains("backfill log: 100% 400/400 rows")
                .contains("backfill log COMPLETED");
        assertThat(log.lines().filter(l -> l.startsWith("backfill log: ")).count())
                .isGreaterThanOrEqualTo(10);
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\"'\"'") + "'";
    }
}
