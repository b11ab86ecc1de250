package dev.cutover.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program started in a JVM of its own on this JVM's class path, for the tests that kill a process
 * with {@code kill -9} by its PID. Its output (standard output and error together) is read line by
 * line on a daemon thread, so a test can wait for a line that says the program reached the point
 * where it is to be killed.
 */
public final class ChildJvm implements AutoCloseable {
    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "child-jvm-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code main} with {@code args}; its standard input is closed at once.
     *
     * @throws IOException when the JVM cannot be started
     */
    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(main.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        return new ChildJvm(p);
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** The lines printed so far. */
    public List<String> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * Waits until a line containing {@code marker} was printed: true when one was, false when the
     * timeout passed or the program ended first.
     */
    public boolean awaitLine(String marker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                if (lines.stream().anyMatch(l -> l.contains(marker))) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !reader.isAlive()) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    /**
     * Sends SIGKILL with {@code kill -9 <pid>} and waits for the process to end.
     *
     * @return the process's exit code: 137 when the signal ended it
     * @throws IllegalStateException when {@code kill} fails or the process does not end
     */
    public int kill9() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid()))
                .inheritIO()
                .start();
        if (!kill.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -9 " + pid() + " failed");
        }
        if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + pid() + " still running after kill -9");
        }
        return process.exitValue();
    }

    /** Ends the process if it still runs, and waits for its last output. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            reader.join(EXIT_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            if (process.isAlive()) {
                throw new UncheckedIOException(e);
            }
            // the stream closed because the process was killed
        } finally {
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }
}
