package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ctrl-C (SIGINT) and SIGTERM sent to a real {@code cutover backfill} process mid-copy: it stops
 * after the page in flight, says that the checkpoints are kept and how to resume, and exits 1; the
 * same command run again resumes (reads fewer rows than the table holds) and completes with every
 * row copied at its version.
 */
class BackfillSignalTest {
    private static final int ROWS = 20_000;
    private static final Pattern PROGRESS = Pattern.compile("backfill \\w+: +\\d+% ([\\d,]+)/");
    private static final Pattern READ = Pattern.compile("read ([\\d,]+), applied");

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalStopsTheBackfillAndTheSameCommandResumes(String signal) throws Exception {
        TestDatabase db = Stores.postgres("cli_signal");
        OldTables.jdbc(db, "old_orders", ROWS);
        String id = "sig_" + signal.toLowerCase(java.util.Locale.ROOT);

        // slow enough (2,000 rows/s) that the signal lands mid-copy
        Process first = start(db, id, "--rate-limit", "2000");
        List<String> lines = new ArrayList<>();
        CountDownLatch copying = new CountDownLatch(1);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> read(first, lines, copying));
        assertThat(copying.await(120, TimeUnit.SECONDS))
                .as("progress past 2,000 rows: %s", lines)
                .isTrue();
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(first.pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0)
                .as("kill -%s", signal)
                .isTrue();
        assertThat(first.waitFor(60, TimeUnit.SECONDS))
                .as("stopped within a minute: %s", lines)
                .isTrue();
        reader.get(30, TimeUnit.SECONDS);
        String out = String.join("\n", lines);
        assertThat(first.exitValue()).as(out).isEqualTo(1);
        assertThat(out)
                .contains("backfill '" + id + "' stopped by a signal; the checkpoints are kept: run the same command"
                        + " again to resume")
                .contains("stopped at ")
                .doesNotContain("COMPLETED");
        long copiedBefore = count(db, "SELECT count(*) FROM new_" + id);
        assertThat(copiedBefore).as("rows copied before the signal").isBetween(1L, ROWS - 1L);

        Process second = start(db, id);
        List<String> again = new ArrayList<>();
        read(second, again, new CountDownLatch(1));
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out2 = String.join("\n", again);
        assertThat(second.exitValue()).as(out2).isZero();
        assertThat(out2).contains("backfill " + id + " COMPLETED");
        Matcher read = READ.matcher(out2);
        assertThat(read.find()).as(out2).isTrue();
        long readAgain = Long.parseLong(read.group(1).replace(",", ""));
        assertThat(readAgain).as("the second run resumes: %s", out2).isLessThan(ROWS);
        assertThat(count(db, "SELECT count(*) FROM new_" + id + " WHERE NOT deleted AND version = 1"))
                .isEqualTo(ROWS);
    }

    private static Process start(TestDatabase db, String id, String... more) throws IOException {
        List<String> cmd = Cli.childJvm();
        cmd.addAll(List.of(
                "backfill",
                "--backfill-id",
                id,
                "--source-table",
                "old_orders",
                "--source-key",
                "id",
                "--source-version",
                "version",
                "--target-table",
                "new_" + id,
                "--create-target",
                "--batch-size",
                "100",
                "--progress",
                "lines",
                "--progress-interval",
                "100"));
        cmd.addAll(List.of(more));
        ProcessBuilder builder =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().keySet().removeIf(k -> k.startsWith("CUTOVER_"));
        builder.environment().put("CUTOVER_SOURCE_JDBC_URL", db.jdbcUrl());
        builder.environment().put("CUTOVER_SOURCE_USER", db.user());
        builder.environment().put("CUTOVER_TARGET_JDBC_URL", db.jdbcUrl());
        builder.environment().put("CUTOVER_TARGET_USER", db.user());
        Process p = builder.start();
        p.getOutputStream().close();
        return p;
    }

    /** Collects every line; counts {@code copying} down once progress passes 2,000 rows. */
    private static void read(Process p, List<String> lines, CountDownLatch copying) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                }
                Matcher m = PROGRESS.matcher(line);
                if (m.find() && Long.parseLong(m.group(1).replace(",", "")) >= 2_000) {
                    copying.countDown();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
