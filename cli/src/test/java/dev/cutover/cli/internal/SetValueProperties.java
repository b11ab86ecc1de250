package dev.cutover.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.dualwrite.Stage;
import dev.cutover.flags.Allocation;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Rollout;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import picocli.CommandLine.TypeConversionException;

/** Invariants of the values {@code flags set} and {@code stage} accept. */
class SetValueProperties {

    @Property(tries = 2000)
    void aPercentageIsAcceptedInRangeOrRejectedNamingIt(@ForAll("percentTexts") String text) {
        double value;
        try {
            value = Percent.parse(text);
        } catch (TypeConversionException e) {
            assertThat(e.getMessage()).contains("'" + text + "'");
            return;
        }
        assertThat(value).isBetween(0.0, 100.0);
        assertThat(BigDecimal.valueOf(value).stripTrailingZeros().scale()).isLessThanOrEqualTo(3);
    }

    @Property
    void everyOutOfRangePercentageIsRejected(@ForAll("outOfRange") BigDecimal value) {
        String text = value.toPlainString();
        assertThatThrownBy(() -> Percent.parse(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Property
    void aRolloutBuildsAValidFlagGivingExactlyThatShare(
            @ForAll("validPercent") BigDecimal share, @ForAll boolean withBucketing) {
        double percent = Percent.parse(share.toPlainString() + "%");
        Flag base = Flag.builder("checkout").booleanVariants().build();
        if (withBucketing) {
            base = base.toBuilder()
                    .fallthrough(dev.cutover.flags.Serve.rollout(
                            Rollout.by("customerId", new Allocation("true", 1), new Allocation("false", 99))))
                    .build();
        }
        Flag next = new FlagEdit(null, null, percent, null, List.of()).apply("checkout", base);
        Rollout rollout = next.fallthrough().rollout();
        assertThat(rollout).isNotNull();
        assertThat(rollout.allocations().get(0).thousandths())
                .isEqualTo(share.movePointRight(3).intValueExact());
        assertThat(rollout.allocations().stream()
                        .mapToInt(Allocation::thousandths)
                        .sum())
                .isEqualTo(100_000);
        assertThat(rollout.bucketBy()).isEqualTo(withBucketing ? "customerId" : null);
    }

    @Property
    void aStageStepNeverSkipsAStage(@ForAll("served") Set<Stage> served, @ForAll boolean forward) {
        Optional<Stage> to = StageCommand.step(served, forward);
        for (Stage s : served) {
            to.ifPresent(
                    t -> assertThat(s.canMoveTo(t)).as("%s -> %s", served, t).isTrue());
        }
        if (served.size() == 1) {
            Stage only = served.iterator().next();
            assertThat(to).isEqualTo(forward ? only.next() : only.previous());
        }
    }

    @Provide
    Arbitrary<String> percentTexts() {
        Arbitrary<String> numbers = Arbitraries.bigDecimals()
                .between(new BigDecimal("-1000"), new BigDecimal("1000"))
                .ofScale(5)
                .map(BigDecimal::toPlainString);
        Arbitrary<String> suffixed = numbers.map(n -> n + "%");
        return Arbitraries.oneOf(
                numbers,
                suffixed,
                Arbitraries.strings().ofMaxLength(12),
                Arbitraries.of(
                        "NaN",
                        "Infinity",
                        "-0",
                        "1e2",
                        "0x10",
                        "",
                        " ",
                        "%",
                        "50%%",
                        ".5",
                        "5.",
                        "100.000",
                        "100.0001"));
    }

    @Provide
    Arbitrary<BigDecimal> outOfRange() {
        return Arbitraries.oneOf(
                Arbitraries.bigDecimals()
                        .between(new BigDecimal("100.001"), new BigDecimal("1000000"))
                        .ofScale(3),
                Arbitraries.bigDecimals()
                        .between(new BigDecimal("-1000"), new BigDecimal("-0.001"))
                        .ofScale(3));
    }

    @Provide
    Arbitrary<BigDecimal> validPercent() {
        return Arbitraries.bigDecimals()
                .between(BigDecimal.ZERO, new BigDecimal("100"))
                .ofScale(3);
    }

    @Provide
    Arbitrary<Set<Stage>> served() {
        Arbitrary<Stage> stage = Arbitraries.of(Stage.class);
        Arbitrary<Set<Stage>> ramp = stage.filter(s -> s.next().isPresent())
                .map(s -> (Set<Stage>) EnumSet.of(s, s.next().orElseThrow()));
        return Arbitraries.oneOf(stage.map(s -> (Set<Stage>) EnumSet.of(s)), ramp);
    }
}
