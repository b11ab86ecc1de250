package dev.cutover.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs the real command line in-process with captured standard output and error. */
final class Cli {
    private Cli() {}

    /** What one run printed and returned. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static Result run(String... args) {
        return runWith(Map.of(), args);
    }

    /** Runs with {@code env} as the whole environment the commands read their settings from. */
    static Result runWith(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(env);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The command that starts the real {@code main} in a child JVM on this test's class path; add the arguments. */
    static List<String> childJvm() {
        return new ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    }

    static Result run(List<String> store, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(store);
        return run(all.toArray(String[]::new));
    }
}
