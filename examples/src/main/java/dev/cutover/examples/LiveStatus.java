package dev.cutover.examples;

import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Live progress on the terminal: the current phase and a line of counters, redrawn in place
 * every 250 ms on a terminal, or printed as a new line every 2 s when the output is a file or a
 * pipe (CI logs). Migrations call {@link #phase} when they move on and {@link #note} for events
 * worth a line of their own (a stage change, a flip).
 */
public final class LiveStatus implements AutoCloseable {
    private final PrintStream out;
    private final boolean terminal;
    private final ScheduledExecutorService ticker;
    private volatile String phase = "";
    private volatile Supplier<String> counters = () -> "";
    private int lastLength;

    public LiveStatus(PrintStream out, boolean terminal) {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-example-status");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 250 : 2000;
        ticker.scheduleAtFixedRate(this::draw, period, period, TimeUnit.MILLISECONDS);
    }

    /** A status that prints nothing, for tests. */
    public static LiveStatus silent() {
        return new LiveStatus(new PrintStream(java.io.OutputStream.nullOutputStream()), false);
    }

    /** Starts a phase: prints its name on a line of its own, then shows {@code counters} live. */
    public synchronized void phase(String name, Supplier<String> counters) {
        finishLine();
        this.phase = Objects.requireNonNull(name, "name");
        this.counters = Objects.requireNonNull(counters, "counters");
        out.println("-- " + name);
    }

    /** A line of its own, above the live counters. */
    public synchronized void note(String line) {
        finishLine();
        out.println("   " + line);
    }

    /** A text progress bar: {@code [#########-----------]  45%}. */
    public static String bar(long done, long total) {
        int width = 20;
        double f = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(f * width);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] "
                + String.format("%3d%%", Math.round(f * 100));
    }

    private synchronized void draw() {
        String line;
        try {
            line = "   " + counters.get();
        } catch (RuntimeException e) {
            return; // a counter read while a phase is switching over: the next tick draws it
        }
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void finishLine() {
        if (terminal && lastLength > 0) {
            out.println();
            lastLength = 0;
        }
    }

    /** Draws the counters one last time and stops the ticker. */
    @Override
    public synchronized void close() {
        ticker.shutdownNow();
        if (!phase.isEmpty()) {
            draw();
        }
        finishLine();
        if (!terminal) {
            out.flush();
        }
    }
}
