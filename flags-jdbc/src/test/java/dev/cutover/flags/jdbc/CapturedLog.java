package dev.cutover.flags.jdbc;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the tests' logger (slf4j-simple, which writes to the current {@code System.err}) printed
 * while a piece of code ran; the tests of this module run one at a time.
 */
final class CapturedLog {
    /** Code that may throw. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private CapturedLog() {}

    /** Runs {@code body} and returns what it logged. */
    static String of(Body body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
