package dev.cutover.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the tests' logger (slf4j-simple, which writes to the current {@code System.err}) printed
 * while a piece of code ran, for tests that check a warning names what it should. Everything
 * printed on {@code System.err} meanwhile is captured, so use it in a module whose tests run one
 * at a time; the text is printed again afterwards.
 *
 * <pre>{@code
 * String log = CapturedLog.of(() -> store.heartbeats(now));
 * assertThat(log).contains("instance bad-1");
 * }</pre>
 */
public final class CapturedLog {
    /** Code that may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private CapturedLog() {}

    /** Runs {@code body} and returns what it logged. */
    public static String of(Body body) throws Exception {
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
