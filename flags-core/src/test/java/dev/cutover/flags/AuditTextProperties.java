package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditText;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** An actor cannot forge an audit row; every audit value renders on one line, unambiguously. */
class AuditTextProperties {

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings()
                        .withChars("ab \\\n\r\t\u0085\u2028\u2029\u202E\u2066\u200F\u061C\u007F\u001Bu0")
                        .ofMaxLength(20));
    }

    @Property(tries = 2000)
    void anActorIsRefusedExactlyWhenItCouldFakeALineOrAColumn(@ForAll("texts") String text) {
        String actor = "ops" + text;
        Throwable refused = catchThrowable(() -> new AuditInfo(actor, "why"));
        int bad = AuditText.indexOfForging(actor);
        if (bad < 0) {
            assertThat(refused).isNull();
        } else {
            assertThat(refused)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("actor must be one line of plain text")
                    .hasMessageContaining(String.format("U+%04X", actor.codePointAt(bad)) + " (")
                    .hasMessageContaining("at index " + bad);
            assertThat(AuditText.indexOfForging(refused.getMessage())).isEqualTo(-1);
        }
        // a reason keeps anything that is not blank
        assertThat(catchThrowable(() -> new AuditInfo("ops", "why" + text))).isNull();
    }

    @Property(tries = 2000)
    void oneLineHasNoForgingCharacterAndLosesNothing(@ForAll("texts") String a, @ForAll("texts") String b) {
        String shown = AuditText.oneLine(a);
        assertThat(AuditText.indexOfForging(shown)).isEqualTo(-1);
        assertThat(unescape(shown)).isEqualTo(a);
        if (!a.equals(b)) {
            assertThat(AuditText.oneLine(b)).isNotEqualTo(shown);
        }
    }

    @Example
    void theForgedRowOfIssue13IsRefusedNamingTheNewline() {
        assertThat(catchThrowable(() -> new AuditInfo("mallory\n2 2026-01-01 mallory forged", "x")))
                .hasMessageContaining("U+000A (LINE FEED (LF)) at index 7")
                .hasMessageContaining("'mallory\\n2 2026-01-01 mallory forged'");
        assertThat(AuditText.oneLine("fix\n2 2026-01-01 mallory forged"))
                .isEqualTo("fix\\n2 2026-01-01 mallory forged");
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new AssertionError("unknown escape \\" + n + " in " + s);
            }
        }
        return out.toString();
    }
}
