package dev.cutover.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * What the benchmark programs (not JMH) share: the first lines they print, the machine's load, and
 * their ending, which prints the results or the failure and sets the exit status.
 */
public final class Mains {
    private Mains() {}

    /**
     * Runs one program: prints the Markdown that {@code results} returns and exits 0; when it
     * throws, prints what failed and exits 1. {@code afterwards} runs before a successful exit.
     *
     * @param name the program, as the failure message names it
     * @param results runs the program and returns its tables
     * @param afterwards what to stop before exiting
     */
    public static void run(String name, Callable<String> results, Runnable afterwards) {
        String markdown;
        try {
            markdown = results.call();
        } catch (Exception | Error e) {
            System.out.flush();
            System.err.println(name + " benchmark could not run: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        System.out.println();
        System.out.println(markdown);
        System.out.flush();
        afterwards.run();
        System.exit(0);
    }

    /**
     * The first two lines of a program's environment: {@code <program>, <now>}, then the JVM,
     * {@code jvmDetail} right after it (empty, or such as {@code ", max heap 512 MiB"}), the cores
     * and the operating system. No line break at the end.
     *
     * @param program the program's name
     * @param jvmDetail what follows the JVM's name and version on its line
     * @return the two lines
     */
    public static String environment(String program, String jvmDetail) {
        return String.format(
                Locale.ROOT,
                "%s, %s%n  JVM: %s %s%s; %d cores; %s %s",
                program,
                Instant.now(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                jvmDetail,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.version"));
    }

    /**
     * The JVM's maximum heap as a {@code jvmDetail} for {@link #environment}.
     *
     * @return {@code ", max heap <n> MiB"}
     */
    public static String maxHeap() {
        return String.format(
                Locale.ROOT, ", max heap %d MiB", Runtime.getRuntime().maxMemory() >> 20);
    }

    /**
     * {@code /proc/loadavg} (1, 5 and 15 minutes), or a note where there is none.
     *
     * @return the three load averages, comma-separated
     */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown (no /proc/loadavg)";
        }
    }
}
