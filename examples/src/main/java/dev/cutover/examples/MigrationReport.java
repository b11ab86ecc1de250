package dev.cutover.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one example migration reports at its end: facts (label and value, in the order they
 * happened) and problems. A migration is clean when it has no problem; the main job exits
 * non-zero otherwise.
 */
public final class MigrationReport {
    private final String title;
    private final List<String[]> facts = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    public MigrationReport(String title) {
        this.title = Objects.requireNonNull(title, "title");
    }

    public String title() {
        return title;
    }

    /** Adds a fact, such as {@code fact("events written", 12_000)}. */
    public MigrationReport fact(String label, Object value) {
        facts.add(new String[] {label, String.valueOf(value)});
        return this;
    }

    /** Records something lost, different or failed; the migration is then not clean. */
    public MigrationReport problem(String problem) {
        problems.add(problem);
        return this;
    }

    /** Records a problem unless {@code holds}: {@code expect(lost == 0, "lost " + lost + " events")}. */
    public MigrationReport expect(boolean holds, String problemOtherwise) {
        return holds ? this : problem(problemOtherwise);
    }

    /** The value of a fact by label, or null; for tests asserting on the report. */
    public @Nullable String value(String label) {
        for (String[] f : facts) {
            if (f[0].equals(label)) {
                return f[1];
            }
        }
        return null;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public boolean clean() {
        return problems.isEmpty();
    }

    /** Prints the report as an aligned two-column block. */
    public void print(PrintStream out) {
        int width = facts.stream().mapToInt(f -> f[0].length()).max().orElse(0);
        out.println();
        out.println("== " + title + " ==");
        for (String[] f : facts) {
            out.println("  " + f[0] + " ".repeat(width - f[0].length()) + "  " + f[1]);
        }
        out.println(
                clean()
                        ? "  RESULT: clean, nothing lost, nothing different"
                        : "  RESULT: " + problems.size() + " problem(s)");
        for (String p : problems) {
            out.println("  PROBLEM: " + p);
        }
    }
}
