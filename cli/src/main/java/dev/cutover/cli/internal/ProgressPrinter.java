package dev.cutover.cli.internal;

import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillProgress;
import dev.cutover.replication.BackfillResult;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A backfill's progress on standard error: on a terminal one bar redrawn in place with a carriage
 * return (rows, rate, ETA), elsewhere (a log file, a pipe) plain lines at an interval. The backfill
 * calls it from its workers after every page; it draws at most once per interval.
 *
 * <p>The bar never takes more than the terminal's width minus one column, so it never wraps (a
 * wrapped line would leave a copy behind at every redraw). With less room it first narrows the bar
 * itself, down to leaving it out, then drops the segments, the ETA and the rate, in that order: the
 * percentage and the rows stay. The plain lines of the log mode are written whole.
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

    /** The bar's cells with room to spare. */
    private static final int BAR_WIDTH = 24;

    /** The fewest cells worth drawing: with less room the bar is left out. */
    private static final int MIN_BAR_WIDTH = 5;

    private final PrintWriter err;
    private final Mode mode;
    private final String name;
    private final long intervalNanos;
    private final long rowsBefore;
    private final OptionalLong totalRows;
    private final LongSupplier nanoTime;
    private final int columns;
    private long lastDraw = Long.MIN_VALUE;
    private int lastLength;
    private @Nullable BackfillProgress last;

    /** A printer for the terminal this process runs in: its width is read once, here, in bar mode. */
    ProgressPrinter(
            PrintWriter err,
            Mode mode,
            String name,
            Duration interval,
            long rowsBefore,
            OptionalLong totalRows,
            LongSupplier nanoTime) {
        this(
                err,
                mode,
                name,
                interval,
                rowsBefore,
                totalRows,
                nanoTime,
                mode == Mode.bar ? Terminal.columns() : Terminal.DEFAULT_COLUMNS);
    }

    /** A printer for a terminal {@code columns} wide (used by the bar only). */
    ProgressPrinter(
            PrintWriter err,
            Mode mode,
            String name,
            Duration interval,
            long rowsBefore,
            OptionalLong totalRows,
            LongSupplier nanoTime,
            int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1 but was " + columns);
        }
        this.err = err;
        this.mode = mode;
        this.name = name;
        this.intervalNanos = interval.toNanos();
        this.rowsBefore = rowsBefore;
        this.totalRows = totalRows;
        this.nanoTime = nanoTime;
        this.columns = columns;
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

    /** Draws the last state once more and ends the bar's line: for a run that completed. */
    synchronized void finish() {
        finish(BackfillResult.Status.COMPLETED);
    }

    /**
     * Draws the last state once more, ends the bar's line and, unless the run {@code COMPLETED}, says
     * on a line of its own where it ended and that it resumes, such as {@code backfill NAME stopped
     * at 42% (8,400/20,000 rows, segments 3/8); checkpoints kept: run the same command again to
     * resume}. A completed run gets no such line: the command prints its own summary.
     *
     * @param status how the run ended: {@code FAILED} when it threw
     */
    synchronized void finish(BackfillResult.Status status) {
        if (mode == Mode.none) {
            return;
        }
        if (last != null) {
            draw(last);
            if (mode == Mode.bar) {
                err.println();
                lastLength = 0;
            }
        }
        if (status != BackfillResult.Status.COMPLETED) {
            err.println(ended(status));
        }
        err.flush();
    }

    /** The line saying where a run that did not complete ended. */
    private String ended(BackfillResult.Status status) {
        Parts p = parts(last);
        return "backfill " + name + " " + status.name().toLowerCase(Locale.ROOT) + " at " + p.percent() + "% ("
                + p.rows() + (last == null ? "" : ", " + segments(last))
                + "); checkpoints kept: run the same command again to resume";
    }

    private void draw(BackfillProgress p) {
        if (mode == Mode.bar) {
            String text = bar(p);
            String padding = " ".repeat(Math.max(0, lastLength - text.length()));
            err.print("\r" + text + padding);
            lastLength = text.length();
        } else {
            err.println("backfill " + name + ": " + describe(p));
        }
        err.flush();
    }

    /** The whole progress line, as the log mode writes it. */
    String describe(BackfillProgress p) {
        return parts(p).text(Parts.TAIL);
    }

    /**
     * The bar's line, at most {@code columns - 1} characters: the widest bar that fits before the
     * whole text, else the text without a bar and with as many trailing parts as fit.
     */
    String bar(BackfillProgress progress) {
        int room = columns - 1;
        Parts p = parts(progress);
        String whole = p.text(Parts.TAIL);
        int width = Math.min(BAR_WIDTH, room - whole.length() - "[] ".length());
        if (width >= MIN_BAR_WIDTH) {
            int filled = Math.round(p.percent() * width / 100f);
            return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + whole;
        }
        for (int kept = Parts.TAIL; kept >= 0; kept--) {
            String text = p.text(kept);
            if (text.length() <= room) {
                return text;
            }
        }
        // numbers too long for the terminal: the rows without the total, the percentage alone, or
        // the percentage cut on a terminal narrower still
        String rowsOnly = p.percentColumn() + p.rowsRead();
        if (rowsOnly.length() <= room) {
            return rowsOnly;
        }
        String percent = p.percent() + "%";
        return percent.substring(0, Math.min(percent.length(), room));
    }

    /**
     * One progress line in parts, most important first: the percentage and the rows (read of the
     * total, or {@code rowsRead} alone), then the rate, the ETA and the segments.
     */
    private record Parts(int percent, String rows, String rowsRead, String rate, String eta, String segments) {
        /** How many parts follow the rows. */
        static final int TAIL = 3;

        /** The percentage right-aligned, so that it stays in place from one redraw to the next. */
        String percentColumn() {
            return String.format(Locale.ROOT, "%3d%% ", percent);
        }

        /** The percentage and rows followed by the first {@code kept} of the rate, ETA and segments. */
        String text(int kept) {
            StringBuilder s = new StringBuilder(percentColumn()).append(rows);
            String[] tail = {rate, eta, segments};
            for (int i = 0; i < kept; i++) {
                s.append(", ").append(tail[i]);
            }
            return s.toString();
        }
    }

    private Parts parts(@Nullable BackfillProgress p) {
        long rows = rowsBefore + (p == null ? 0 : p.counts().read());
        String rowsRead = number(rows) + " rows";
        int percent;
        String rowsText;
        if (totalRows.isPresent() && totalRows.getAsLong() > 0) {
            percent = percent(rows, totalRows.getAsLong());
            rowsText = number(rows) + "/" + number(totalRows.getAsLong()) + " rows";
        } else {
            percent = p == null ? 0 : percent(p.segmentsDone(), p.segmentsTotal());
            rowsText = rowsRead;
        }
        if (p == null) {
            return new Parts(percent, rowsText, rowsRead, "", "", "");
        }
        if (p.segmentsTotal() > 0 && p.segmentsDone() == p.segmentsTotal()) {
            percent = 100;
        }
        return new Parts(
                percent,
                rowsText,
                rowsRead,
                number(Math.round(p.rowsPerSecond())) + " rows/s",
                "ETA " + (p.eta() == null ? "-" : duration(p.eta())),
                segments(p));
    }

    /**
     * {@code done} of {@code total} in whole percent, rounded down and at most 100; in integers, as
     * {@code 29 / 100.0 * 100} is 28.999999999999996.
     */
    static int percent(long done, long total) {
        if (total <= 0 || done <= 0) {
            return 0;
        }
        if (done >= total) {
            return 100;
        }
        return done <= Long.MAX_VALUE / 100
                ? (int) (done * 100 / total)
                : BigInteger.valueOf(done)
                        .multiply(BigInteger.valueOf(100))
                        .divide(BigInteger.valueOf(total))
                        .intValue();
    }

    private static String segments(BackfillProgress p) {
        return "segments " + p.segmentsDone() + "/" + p.segmentsTotal();
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
