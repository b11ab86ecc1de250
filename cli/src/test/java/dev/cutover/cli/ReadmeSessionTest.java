package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's CLI session as written: every {@code $ cutover ...} line of the block is run
 * as typed, in a child JVM through the real {@code main}, against an embedded PostgreSQL database
 * that starts empty but for the old table {@code orders}; {@code $ export} lines set the
 * environment of the commands after them. Each command's output (standard output and error
 * together) and exit code must be what the README shows, line for line, once instants of today,
 * durations and rates are masked and runs of spaces (table padding) are collapsed. Progress lines
 * vary with timing; they are compared by form only.
 *
 * <p>The README's database URL ({@code jdbc:postgresql://localhost:5432/app}) stands for the
 * embedded server's; the user {@code operator} is created as the database's owner. With {@code
 * -Dcutover.readme.transcript=FILE} the session as run is also written to {@code FILE}, ready to
 * paste into the README.
 */
class ReadmeSessionTest {
    private static final String MARKER = "(`ReadmeSessionTest`)";
    private static final String README_URL = "jdbc:postgresql://localhost:5432/app";
    private static final String USER = "operator";
    private static final String MEANWHILE = "# meanwhile a write reached only the old store, and a delete was lost";
    private static final Pattern EXIT = Pattern.compile("\\[exit (\\d+)]");
    private static final Pattern PROGRESS = Pattern.compile(
            "backfill [a-z0-9_]+: +\\d{1,3}% [\\d,]+/[\\d,]+ rows, [\\d,]+ rows/s, ETA \\S+, segments \\d+/\\d+");
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

    /** One {@code $} line of the block and what the README shows after it. */
    record Step(String line, List<String> shown, int exit) {}

    @Test
    void theReadmeSessionIsWhatTheToolPrints() throws Exception {
        List<Step> steps = session(Files.readString(readme()));
        assertThat(steps).as("steps of the README's session").hasSizeGreaterThan(20);

        TestDatabase db = Stores.postgres("readme_session");
        OldTables.sql(
                db,
                "DO $$ BEGIN CREATE ROLE " + USER + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "ALTER DATABASE " + db.name() + " OWNER TO " + USER,
                "ALTER SCHEMA public OWNER TO " + USER);
        OldTables.jdbc(db, "orders", 20_000);
        OldTables.sql(db, "ALTER TABLE orders OWNER TO " + USER);
        Path dir = Files.createTempDirectory("cutover-readme");

        Map<String, String> env = new LinkedHashMap<>();
        StringBuilder transcript = new StringBuilder();
        SoftAssertions soft = new SoftAssertions();
        Instant started = Instant.now();
        for (Step step : steps) {
            transcript.append("$ ").append(step.line()).append('\n');
            List<String> words = words(step.line());
            switch (words.get(0)) {
                case "export" -> {
                    for (String assignment : words.subList(1, words.size())) {
                        int eq = assignment.indexOf('=');
                        assertThat(eq).as("export %s", assignment).isPositive();
                        env.put(assignment.substring(0, eq), real(assignment.substring(eq + 1), db));
                    }
                    continue;
                }
                case "#" -> {
                    assertThat("$ " + step.line())
                            .as("the only comment this test knows how to act out")
                            .isEqualTo("$ " + MEANWHILE);
                    OldTables.sql(
                            db,
                            "UPDATE orders SET version = 2, name = 'renamed' WHERE id = 'k0042'",
                            "DELETE FROM orders WHERE id = 'k0043'");
                    continue;
                }
                case "cutover" -> {}
                default -> throw new AssertionError("the session may only export, comment and run cutover: " + step);
            }
            List<String> args = new ArrayList<>();
            for (String w : words.subList(1, words.size())) {
                args.add(real(w, db));
            }
            Run run = cutover(args, env, dir);
            List<String> actual = new ArrayList<>();
            for (String l : run.lines()) {
                actual.add(l.replace(db.jdbcUrl(), README_URL));
            }
            actual.forEach(l -> transcript.append(l).append('\n'));
            transcript.append("[exit ").append(run.exit()).append("]\n\n");

            soft.assertThat(run.exit())
                    .as("exit code of $ %s%n%s", step.line(), String.join("\n", actual))
                    .isEqualTo(step.exit());
            soft.assertThat(normalized(actual, started))
                    .as("output of $ %s, as run:%n%s", step.line(), String.join("\n", actual))
                    .containsExactlyElementsOf(normalized(step.shown(), started));
        }
        String out = System.getProperty("cutover.readme.transcript");
        if (out != null) {
            Files.writeString(Path.of(out), transcript.toString());
        }
        soft.assertAll();
        // the session's story, checked in the database itself: the repair left both tables equal
        assertThat(count(db, "SELECT count(*) FROM orders")).isEqualTo(19_999);
        assertThat(count(db, "SELECT count(*) FROM orders_v2 WHERE NOT deleted"))
                .isEqualTo(19_999);
        assertThat(count(db, "SELECT version FROM orders_v2 WHERE entity_key = 'k0042'"))
                .isEqualTo(2);
        assertThat(count(db, "SELECT count(*) FROM orders_v2 WHERE entity_key = 'k0043' AND deleted"))
                .as("the lost delete is a tombstone in the new store")
                .isEqualTo(1);
        for (String report : List.of("backfill.json", "reconciliation.json")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(report))))
                    .as(report)
                    .isEqualTo("rw-------");
        }
    }

    private static long count(TestDatabase db, String sql) throws SQLException {
        try (var c = db.connect();
                var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String real(String word, TestDatabase db) {
        return word.replace(README_URL, db.jdbcUrl());
    }

    private static Path readme() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("README.md"))
                || dir != null && !Files.exists(dir.resolve("cli"))) {
            dir = dir.getParent();
        }
        assertThat(dir)
                .as("the project's root above %s", Path.of("").toAbsolutePath())
                .isNotNull();
        return dir.resolve("README.md");
    }

    /** The {@code text} block after the paragraph that names this test. */
    static List<Step> session(String readme) {
        int at = readme.indexOf(MARKER);
        assertThat(at).as("the README names %s before its session", MARKER).isNotNegative();
        int open = readme.indexOf("```text\n", at);
        int close = readme.indexOf("\n```", open + 8);
        String[] lines = readme.substring(open + 8, close).split("\n", -1);
        List<Step> steps = new ArrayList<>();
        String command = null;
        List<String> shown = new ArrayList<>();
        for (String line : lines) {
            if (command == null) {
                if (line.isBlank()) {
                    continue;
                }
                assertThat(line).as("a line outside any command's output").startsWith("$ ");
                String typed = line.substring(2);
                if (typed.startsWith("export ") || typed.startsWith("#")) {
                    steps.add(new Step(typed, List.of(), 0));
                } else {
                    command = typed;
                }
                continue;
            }
            Matcher exit = EXIT.matcher(line);
            if (exit.matches()) {
                steps.add(new Step(command, List.copyOf(shown), Integer.parseInt(exit.group(1))));
                command = null;
                shown.clear();
            } else {
                shown.add(line);
            }
        }
        assertThat(command).as("a command without its [exit N] line").isNull();
        return steps;
    }

    /** Splits a typed line as a POSIX shell does for the quoting the README uses: "..." and '...'. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == ' ') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                assertThat("$|`\\;&<>*?".indexOf(c))
                        .as("shell syntax %s in %s", c, line)
                        .isNegative();
                word.append(c);
                inWord = true;
            }
        }
        assertThat((int) quote).as("an unclosed quote in %s", line).isZero();
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * The lines as compared: instants within a day of the run masked (a scheduled instant in the
     * README stays as written), durations and rates masked, runs of spaces collapsed, and each
     * progress line reduced to its form.
     */
    static List<String> normalized(List<String> lines, Instant now) {
        List<String> result = new ArrayList<>();
        for (String line : lines) {
            String l = line.strip().replaceAll(" {2,}", " ");
            if (PROGRESS.matcher(l).matches()) {
                // how many progress lines appear depends on timing: one marker for any number
                if (result.isEmpty() || !result.get(result.size() - 1).equals("<progress>")) {
                    result.add("<progress>");
                }
                continue;
            }
            Matcher m = INSTANT.matcher(l);
            StringBuilder masked = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(masked, Matcher.quoteReplacement(today(m.group(), now) ? "<now>" : m.group()));
            }
            m.appendTail(masked);
            l = masked.toString()
                    .replaceAll("COMPLETED in \\S+ \\(\\d+ ms\\)", "COMPLETED in <duration>")
                    .replaceAll("took \\d+ ms", "took <ms> ms")
                    .replaceAll("\"(durationMillis|elapsedMillis|tookMillis)\" : \\d+", "\"$1\" : <ms>");
            result.add(l);
        }
        return result;
    }

    private static boolean today(String instant, Instant now) {
        try {
            return Duration.between(Instant.parse(instant), now).abs().compareTo(Duration.ofDays(1)) < 0;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    record Run(int exit, List<String> lines) {}

    private static Run cutover(List<String> args, Map<String, String> env, Path dir)
            throws IOException, InterruptedException {
        List<String> command = Cli.childJvm();
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().keySet().removeIf(k -> k.startsWith("CUTOVER_") || k.equals("COLUMNS"));
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s ended", args).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return new Run(p.exitValue(), lines);
    }
}
