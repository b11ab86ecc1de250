package dev.cutover.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Where the terminal's width comes from: {@code COLUMNS}, then {@code stty size}, then 80. */
class TerminalTest {
    private static final Supplier<OptionalInt> NOT_ASKED = () -> {
        throw new AssertionError("the terminal is asked although COLUMNS holds a width");
    };

    @Test
    void aNumericColumnsVariableWinsWithoutAskingTheTerminal() {
        assertThat(Terminal.columns("40", NOT_ASKED)).isEqualTo(40);
        assertThat(Terminal.columns(" 200\n", NOT_ASKED)).isEqualTo(200);
    }

    @Test
    void anUnsetEmptyOrNonNumericColumnsVariableAsksTheTerminal() {
        for (String value : new String[] {null, "", "wide", "0", "-5", "80.5", "99999999999"}) {
            assertThat(Terminal.columns(value, () -> OptionalInt.of(57)))
                    .as("COLUMNS=%s", value)
                    .isEqualTo(57);
        }
    }

    @Test
    void withoutAnAnswerFromEitherTheWidthIs80() {
        assertThat(Terminal.columns(null, OptionalInt::empty)).isEqualTo(80);
        assertThat(Terminal.columns("wide", OptionalInt::empty)).isEqualTo(Terminal.DEFAULT_COLUMNS);
    }

    @Test
    void sttySizePrintsRowsThenColumns() {
        assertThat(Terminal.parseSttySize("24 132\n")).hasValue(132);
        assertThat(Terminal.parseSttySize("  50   40  ")).hasValue(40);
        // what a pseudo-terminal nobody sized reports
        assertThat(Terminal.parseSttySize("0 0\n")).isEmpty();
        assertThat(Terminal.parseSttySize("")).isEmpty();
        assertThat(Terminal.parseSttySize("24")).isEmpty();
        assertThat(Terminal.parseSttySize("stty: 'standard input': Inappropriate ioctl for device"))
                .isEmpty();
    }
}
