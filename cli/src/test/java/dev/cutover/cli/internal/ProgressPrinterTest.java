package dev.cutover.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.BackfillProgress;
import dev.cutover.replication.BackfillResult.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The bar fits the terminal it is drawn on, and a run that did not complete says where it ended. */
class ProgressPrinterTest {
    private final StringWriter written = new StringWriter();

    private ProgressPrinter printer(ProgressPrinter.Mode mode, long rowsBefore, OptionalLong total, int columns) {
        return new ProgressPrinter(
                new PrintWriter(written), mode, "orders", Duration.ZERO, rowsBefore, total, System::nanoTime, columns);
    }

    private static BackfillProgress progress(long read, int done, int segments, double rate, Duration eta) {
        return new BackfillProgress(
                new BackfillCounts(read, read, 0, 0, 0, 0, 0, 0), done, segments, Duration.ofSeconds(7), rate, eta);
    }

    /** 8,400 of 20,000 rows, 3 of 8 segments: 61 characters without the bar. */
    private static final BackfillProgress AT_42 = progress(8_400, 3, 8, 1_234.4, Duration.ofSeconds(125));

    private String barAt(int columns) {
        return printer(ProgressPrinter.Mode.bar, 0, OptionalLong.of(20_000), columns)
                .bar(AT_42);
    }

    @Test
    void aWideTerminalGetsTheWholeBarAndEveryPart() {
        assertThat(barAt(200))
                .isEqualTo("[##########..............]  42% 8,400/20,000 rows, 1,234 rows/s, ETA 2m05s, segments 3/8");
    }

    @Test
    void aNarrowerTerminalNarrowsTheBarBeforeDroppingAnyPart() {
        assertThat(barAt(80))
                .hasSize(79)
                .isEqualTo("[######.........]  42% 8,400/20,000 rows, 1,234 rows/s, ETA 2m05s, segments 3/8");
        assertThat(barAt(70)).isEqualTo("[##...]  42% 8,400/20,000 rows, 1,234 rows/s, ETA 2m05s, segments 3/8");
        // four cells are not worth drawing
        assertThat(barAt(69)).isEqualTo(" 42% 8,400/20,000 rows, 1,234 rows/s, ETA 2m05s, segments 3/8");
    }

    @Test
    void withoutRoomForTheBarTheSegmentsThenTheEtaThenTheRateGo() {
        assertThat(barAt(62)).isEqualTo(" 42% 8,400/20,000 rows, 1,234 rows/s, ETA 2m05s, segments 3/8");
        assertThat(barAt(61)).isEqualTo(" 42% 8,400/20,000 rows, 1,234 rows/s, ETA 2m05s");
        assertThat(barAt(40)).isEqualTo(" 42% 8,400/20,000 rows, 1,234 rows/s");
        assertThat(barAt(36)).isEqualTo(" 42% 8,400/20,000 rows");
        assertThat(barAt(22)).isEqualTo(" 42% 8,400 rows");
        assertThat(barAt(10)).isEqualTo("42%");
        assertThat(barAt(3)).isEqualTo("42");
        assertThat(barAt(1)).isEmpty();
    }

    @Test
    void aPercentageIsRoundedDownInWholeNumbersNotFloatingPoint() {
        // 29 / 100.0 * 100 is 28.999...
        assertThat(ProgressPrinter.percent(29, 100)).isEqualTo(29);
        assertThat(ProgressPrinter.percent(57, 100)).isEqualTo(57);
        assertThat(ProgressPrinter.percent(999, 1000)).isEqualTo(99);
        assertThat(ProgressPrinter.percent(Long.MAX_VALUE - 1, Long.MAX_VALUE)).isEqualTo(99);
        assertThat(ProgressPrinter.percent(Long.MAX_VALUE / 2, Long.MAX_VALUE)).isEqualTo(49);
        assertThat(ProgressPrinter.percent(7, 5)).isEqualTo(100);
        assertThat(ProgressPrinter.percent(3, 0)).isZero();
    }

    @Test
    void aTerminalWidthBelowOneIsRefused() {
        assertThatThrownBy(() -> printer(ProgressPrinter.Mode.bar, 0, OptionalLong.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 0");
    }

    @Property(tries = 300)
    void everyRedrawFitsTheTerminalAndSaysThePercentageAndRows(
            @ForAll("widths") int columns,
            @ForAll boolean knownTotal,
            @ForAll @Size(min = 1, max = 12) List<@From("states") State> states) {
        written.getBuffer().setLength(0); // jqwik runs every try on one instance
        long total = states.stream().mapToLong(State::rows).max().orElse(0) + 1;
        ProgressPrinter printer = printer(
                ProgressPrinter.Mode.bar, 0, knownTotal ? OptionalLong.of(total) : OptionalLong.empty(), columns);
        for (State s : states) {
            printer.onProgress(s.progress());
        }
        printer.finish();

        String out = written.toString();
        assertThat(out).endsWith("\n");
        List<String> redraws = Arrays.asList(out.substring(0, out.length() - 1).split("\r", -1));
        assertThat(redraws.get(0)).isEmpty();
        // one redraw per state, then the last state once more
        assertThat(redraws).hasSize(states.size() + 2);
        for (int i = 1; i < redraws.size(); i++) {
            State s = states.get(Math.min(i, states.size()) - 1);
            long percent = s.done() == s.segments()
                    ? 100
                    : knownTotal ? s.rows() * 100 / total : (long) s.done() * 100 / s.segments();
            assertThat(redraws.get(i))
                    .hasSizeLessThanOrEqualTo(columns - 1)
                    .containsPattern("(^|[ \\]])" + percent + "% ")
                    .containsPattern(
                            "(^| )" + Pattern.quote(String.format(Locale.ROOT, "%,d", s.rows())) + "(/[0-9,]+)? rows");
        }
    }

    @Property(tries = 300)
    void noRedrawIsWiderThanTheTerminalMinusOne(
            @ForAll @IntRange(min = 1, max = 250) int columns,
            @ForAll @Size(min = 1, max = 12) List<@From("states") State> states) {
        written.getBuffer().setLength(0);
        ProgressPrinter printer =
                printer(ProgressPrinter.Mode.bar, 123_456_789, OptionalLong.of(10_000_000_000L), columns);
        for (State s : states) {
            printer.onProgress(s.progress());
        }
        printer.finish(Status.STOPPED);
        String[] lines = written.toString().split("\n", -1);
        for (String redraw : lines[0].split("\r", -1)) {
            assertThat(redraw).hasSizeLessThanOrEqualTo(columns - 1);
        }
    }

    @Provide
    Arbitrary<Integer> widths() {
        return Arbitraries.of(40, 60, 80, 200);
    }

    /** A progress report: rows read, segments done of a total, a rate and an ETA. */
    record State(long rows, int done, int segments, double rate, Duration eta) {
        BackfillProgress progress() {
            return ProgressPrinterTest.progress(rows, done, segments, rate, eta);
        }
    }

    @Provide
    Arbitrary<State> states() {
        Arbitrary<Integer> segments = Arbitraries.integers().between(1, 4096);
        return Combinators.combine(
                        Arbitraries.longs().between(0, 1_000_000_000_000L),
                        segments.flatMap(
                                n -> Arbitraries.integers().between(0, n).map(done -> new int[] {done, n})),
                        Arbitraries.doubles().between(0, 1e9),
                        Arbitraries.longs().between(0, 10_000_000).map(Duration::ofSeconds))
                .as((rows, seg, rate, eta) -> new State(rows, seg[0], seg[1], rate, eta));
    }

    @Test
    void theLogModeWritesWholeLinesWhateverTheWidth() {
        ProgressPrinter printer = printer(ProgressPrinter.Mode.lines, 0, OptionalLong.of(20_000), 40);
        printer.onProgress(AT_42);
        assertThat(written.toString())
                .isEqualTo("backfill orders:  42% 8,400/20,000 rows, 1,234 rows/s, ETA 2m05s, segments 3/8\n");
    }

    @Test
    void aStoppedRunSaysWhereItStoppedAfterTheLastBar() {
        ProgressPrinter printer = printer(ProgressPrinter.Mode.bar, 0, OptionalLong.of(20_000), 40);
        printer.onProgress(AT_42);
        printer.finish(Status.STOPPED);
        assertThat(written.toString())
                .isEqualTo("\r 42% 8,400/20,000 rows, 1,234 rows/s\r 42% 8,400/20,000 rows, 1,234 rows/s\n"
                        + "backfill orders stopped at 42% (8,400/20,000 rows, segments 3/8);"
                        + " checkpoints kept: run the same command again to resume\n");
    }

    @Test
    void aFailedRunSaysItFailed() {
        ProgressPrinter printer = printer(ProgressPrinter.Mode.lines, 1_000, OptionalLong.empty(), 80);
        printer.onProgress(progress(500, 1, 4, 10, Duration.ofSeconds(3)));
        printer.finish(Status.FAILED);
        assertThat(written.toString().lines())
                .containsExactly(
                        "backfill orders:  25% 1,500 rows, 10 rows/s, ETA 3s, segments 1/4",
                        "backfill orders:  25% 1,500 rows, 10 rows/s, ETA 3s, segments 1/4",
                        "backfill orders failed at 25% (1,500 rows, segments 1/4);"
                                + " checkpoints kept: run the same command again to resume");
    }

    @Test
    void aRunThatFailedBeforeAnyProgressCountsTheRowsOfEarlierRuns() {
        printer(ProgressPrinter.Mode.bar, 8_000, OptionalLong.of(20_000), 80).finish(Status.FAILED);
        assertThat(written.toString())
                .isEqualTo("backfill orders failed at 40% (8,000/20,000 rows);"
                        + " checkpoints kept: run the same command again to resume\n");
    }

    @Test
    void aCompletedRunOnlyEndsTheBarsLine() {
        ProgressPrinter printer = printer(ProgressPrinter.Mode.bar, 0, OptionalLong.of(20_000), 200);
        printer.onProgress(progress(20_000, 8, 8, 1_000, Duration.ZERO));
        printer.finish(Status.COMPLETED);
        String completed = written.toString();
        assertThat(completed).endsWith("segments 8/8\n").doesNotContain("checkpoints");

        written.getBuffer().setLength(0);
        ProgressPrinter plain = printer(ProgressPrinter.Mode.bar, 0, OptionalLong.of(20_000), 200);
        plain.onProgress(progress(20_000, 8, 8, 1_000, Duration.ZERO));
        plain.finish();
        assertThat(written.toString()).isEqualTo(completed);
    }

    @Test
    void withoutProgressShownNothingIsPrintedEvenOnAStop() {
        ProgressPrinter printer = printer(ProgressPrinter.Mode.none, 0, OptionalLong.of(20_000), 80);
        printer.onProgress(AT_42);
        printer.finish(Status.STOPPED);
        assertThat(written.toString()).isEmpty();
    }
}
