package dev.cutover.cli.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The width of the terminal a command draws on, found without a native library: the {@code
 * COLUMNS} environment variable when it holds a positive number, else the width {@code stty size}
 * reports for {@code /dev/tty} (given at most {@link #STTY_TIMEOUT} to answer), else {@value
 * #DEFAULT_COLUMNS}. A command asks once, when it starts: a window resized afterwards is not
 * followed.
 */
final class Terminal {
    /** The width assumed when neither {@code COLUMNS} nor {@code stty} tells one. */
    static final int DEFAULT_COLUMNS = 80;

    /** How long {@code stty size} may take before the default width is used. */
    static final Duration STTY_TIMEOUT = Duration.ofMillis(300);

    private Terminal() {}

    /** The terminal's width in columns; never less than 1. */
    static int columns() {
        return columns(System.getenv("COLUMNS"), Terminal::stty);
    }

    /**
     * The width given the value of {@code COLUMNS} (null when unset) and a way to ask the terminal,
     * asked only when {@code COLUMNS} does not hold a positive number.
     */
    static int columns(@Nullable String columnsVariable, Supplier<OptionalInt> terminal) {
        OptionalInt fromVariable = positive(columnsVariable);
        if (fromVariable.isPresent()) {
            return fromVariable.getAsInt();
        }
        return terminal.get().orElse(DEFAULT_COLUMNS);
    }

    /** The columns in the output of {@code stty size} ({@code "ROWS COLUMNS"}), if positive. */
    static OptionalInt parseSttySize(String output) {
        String[] words = output.trim().split("\\s+");
        return words.length == 2 ? positive(words[1]) : OptionalInt.empty();
    }

    private static OptionalInt positive(@Nullable String text) {
        if (text == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(text.trim());
            return n > 0 ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Runs {@code stty size} on the controlling terminal; empty without one, or on any failure. */
    private static OptionalInt stty() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return OptionalInt.empty();
        }
        Process process;
        try {
            // opening /dev/tty fails here when the process has no controlling terminal
            process = new ProcessBuilder("stty", "size")
                    .redirectInput(Redirect.from(tty))
                    .redirectError(Redirect.DISCARD)
                    .start();
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
        try (InputStream out = process.getInputStream()) {
            if (!process.waitFor(STTY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                return OptionalInt.empty();
            }
            // a few bytes, already in the pipe: the process has ended
            return parseSttySize(new String(out.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        } finally {
            process.destroyForcibly();
        }
    }
}
