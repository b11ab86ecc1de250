package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The real {@code main} in a child JVM: in a pseudo-terminal (allocated by util-linux {@code
 * script}) the progress bar redraws in place with carriage returns; with standard output and error
 * redirected it prints plain lines and no carriage return at all.
 */
class TerminalProgressTest {

    private static List<String> backfill(TestDatabase db, String id) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "backfill",
                "--backfill-id",
                id,
                "--source-jdbc-url",
                db.jdbcUrl(),
                "--source-user",
                db.user(),
                "--source-table",
                "old_orders",
                "--source-key",
                "id",
                "--source-version",
                "version",
                "--target-jdbc-url",
                db.jdbcUrl(),
                "--target-user",
                db.user(),
                "--target-table",
                "new_" + id,
                "--create-target",
                "--batch-size",
                "20",
                "--source-segments",
                "2",
                "--progress-interval",
                "0"));
        return cmd;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    @Test
    void onATerminalTheBarRedrawsInPlace() throws Exception {
        TestDatabase db = Stores.postgres("cli_pty");
        OldTables.jdbc(db, "old_orders", 400);
        String shell =
                backfill(db, "pty").stream().map(TerminalProgressTest::quote).collect(Collectors.joining(" "));
        String session = run(List.of("script", "-qfec", shell, "/dev/null"));
        // a pty turns each newline into \r\n; a redraw is a carriage return followed by the bar
        long redraws = session.split("\r\\[", -1).length - 1L;
        assertThat(redraws).as(session).isGreaterThanOrEqualTo(10);
        assertThat(session)
                .contains("] 100% 400/400 rows")
                .contains("backfill pty COMPLETED")
                .doesNotContain("backfill pty: ");
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
