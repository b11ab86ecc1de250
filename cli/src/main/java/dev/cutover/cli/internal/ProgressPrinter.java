package dev.cutover.cli.internal;

import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A backfill's progress on standard error: on a terminal one bar redrawn in place with a carriage
 * return (rows, rate, ETA), elsewhere (a log file, a pipe) plain lines at an interval. The backfill
 * calls it from its workers after every page; it draws at most once per interval.
 */
final class ProgressPrinter implements BackfillListener {
    /** How progress is shown. */
    enum Mode {
        /** A bar redrawn in place, for a terminal. */
        bar,
        /** A plain line per interval, for logs. */
        lines,
        /** Nothing but the summary. */
        none
    }

    private static final int BAR_WIDTH = 24;

    private final PrintWriter err;
    private final Mode mode;
    private final String name;
    private final long intervalNanos;
    private final long rowsBefore;
    private final OptionalLong totalRows;
    private final LongSupplier nanoTime;
    private long lastDraw = Long.MIN_VALUE;
    private int lastLength;
    private @Nullable BackfillProgress last;

    ProgressPrinter(
            PrintWriter err,
            Mode mode,
            String name,
            Duration interval,
            long rowsBefore,
            OptionalLong totalRows,
            LongSupplier nanoTime) {
        this.err = err;
        this.mode = mode;
        this.name = name;
        this.intervalNanos = interval.toNanos();
        this.rowsBefore = rowsBefore;
        this.totalRows = totalRows;
        this.nanoTime = nanoTime;
    }

    /** Whether standard output and input are a terminal (what {@link System#console()} tells on Java 17). */
    static Mode auto() {
        return System.console() != null ? Mode.bar : Mode.lines;
    }

    @Override
    public synchronized void onProgress(BackfillProgress progress) {
        last = progress;
        long now = nanoTime.getAsLong();
        if (mode == Mode.none || (lastDraw != Long.MIN_VALUE && now - lastDraw < intervalNanos)) {
            return;
        }
        lastDraw = now;
        draw(progress);
    }

    /** Draws the last state once more and ends the bar's line. */
    synchronized void finish() {
        if (mode == Mode.none) {
            return;
        }
        if (last != null) {
            draw(last);
        }
        if (mode == Mode.bar && lastLength > 0) {
            err.println();
            err.flush();
        }
    }

    private void draw(BackfillProgress p) {
        String text = describe(p);
        if (mode == Mode.bar) {
            String padding = " ".repeat(Math.max(0, lastLength - text.length()));
            err.print("\r" + text + padding);
            lastLength = text.length();
        } else {
            err.println("backfill " + name + ": " + text);
        }
        err.flush();
    }

    String describe(BackfillProgress p) {
        long rows = rowsBefore + p.counts().read();
        StringBuilder s = new StringBuilder();
        double fraction;
        String rowsText;
        if (totalRows.isPresent() && totalRows.getAsLong() > 0) {
            fraction = Math.min(1.0, (double) rows / totalRows.getAsLong());
            rowsText = number(rows) + "/" + number(totalRows.getAsLong()) + " rows";
        } else {
            fraction = p.segmentsTotal() == 0 ? 0 : (double) p.segmentsDone() / p.segmentsTotal();
            rowsText = number(rows) + " rows";
        }
        if (p.segmentsTotal() > 0 && p.segmentsDone() == p.segmentsTotal()) {
            fraction = 1.0;
        }
        if (mode == Mode.bar) {
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            s.append('[')
                    .append("#".repeat(filled))
                    .append(".".repeat(BAR_WIDTH - filled))
                    .append("] ");
        }
        s.append(String.format(Locale.ROOT, "%3d%% ", (int) Math.floor(fraction * 100)))
                .append(rowsText)
                .append(", ")
                .append(number(Math.round(p.rowsPerSecond())))
                .append(" rows/s, ETA ")
                .append(p.eta() == null ? "-" : duration(p.eta()))
                .append(", segments ")
                .append(p.segmentsDone())
                .append('/')
                .append(p.segmentsTotal());
        return s.toString();
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
