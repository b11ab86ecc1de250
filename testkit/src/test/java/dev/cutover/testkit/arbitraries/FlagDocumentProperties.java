package dev.cutover.testkit.arbitraries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.InvalidFlagException;
import dev.cutover.flags.Reason;
import dev.cutover.testkit.TestFlags;
import dev.cutover.testkit.arbitraries.InvalidFlagDocument.Kind;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/** Valid generated flags survive the JSON format; invalid documents are rejected, alone. */
class FlagDocumentProperties {
    private final TestFlags flags = new TestFlags();

    @AfterProperty
    void close() {
        flags.close();
    }

    @Provide
    Arbitrary<Flag> flags() {
        return FlagArbitraries.flags();
    }

    @Provide
    Arbitrary<InvalidFlagDocument> invalid() {
        return FlagArbitraries.invalidFlagDocuments();
    }

    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Property(tries = 500)
    void validFlagsRoundTripThroughJson(@ForAll("flags") Flag flag) {
        String json = flag.toJson();
        Flag parsed = Flag.fromJson(json);
        assertThat(parsed).isEqualTo(flag);
        assertThat(parsed.toJson()).isEqualTo(json);
        assertThat(parsed.variants()).isEqualTo(flag.variants());
        assertThat(parsed.rules()).hasSameSizeAs(flag.rules());
        assertThat(parsed.targets()).isEqualTo(flag.targets());
        assertThat(parsed.effectiveAt()).isEqualTo(flag.effectiveAt());
        assertThat(parsed.previous().map(Flag::toJson))
                .isEqualTo(flag.previous().map(Flag::toJson));
        assertThat(Flag.isValidKey(flag.key())).isTrue();
        assertThat(parsed.offVariant()).isEqualTo(flag.offVariant());
        assertThat(parsed.metadata()).containsExactlyEntriesOf(flag.metadata());
        parsed.metadata()
                .forEach((name, value) ->
                        assertThat(value).hasSameClassAs(flag.metadata().get(name)));
        Statistics.label("off-variant").collect(flag.offVariant().isPresent());
        Statistics.label("metadata").collect(!flag.metadata().isEmpty());
        Statistics.label("off-variant").coverage(c -> c.check(false).count(n -> n > 0));
        Statistics.label("metadata").coverage(c -> c.check(true).count(n -> n > 0));
    }

    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Property(tries = 300)
    void generatedFlagKeysAreValid(@ForAll("keys") String key) {
        assertThat(key).matches(Flag.KEY_PATTERN);
    }

    @Provide
    Arbitrary<String> keys() {
        return FlagArbitraries.flagKeys();
    }

    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Property(tries = 400)
    void invalidDocumentsAreRejectedNamingTheKey(@ForAll("invalid") InvalidFlagDocument doc) {
        Statistics.collect(doc.kind());
        Statistics.coverage(coverage -> {
            for (Kind kind : Kind.values()) {
                coverage.check(kind).percentage(p -> p > 2);
            }
        });
        InvalidFlagException e = catchThrowableOfType(InvalidFlagException.class, () -> Flag.fromJson(doc.json()));
        assertThat(e).as("%s was accepted", doc).isNotNull();
        if (doc.kind() == Kind.MALFORMED_JSON) {
            // without a store key, a document too broken to read cannot name its key
            assertThat(e.reason()).isNotBlank();
        } else {
            assertThat(e.key()).isEqualTo(doc.key());
            assertThat(e.getMessage()).contains("'" + doc.key() + "'");
        }
        // read under its store key, every invalid document names that key, malformed JSON included
        InvalidFlagException keyed =
                catchThrowableOfType(InvalidFlagException.class, () -> Flag.fromJson(doc.json(), doc.key()));
        assertThat(keyed).as("%s was accepted under its key", doc).isNotNull();
        assertThat(keyed.getMessage()).contains("'" + doc.key() + "'");
    }

    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Property(tries = 300)
    void aClientRejectsAnInvalidDocumentAloneAndServesTheRest(
            @ForAll("invalid") InvalidFlagDocument doc, @ForAll @AlphaChars String salt) {
        flags.clear();
        flags.set("testkit.good." + salt.length(), true);
        flags.store().putRaw(doc.key(), doc.json());
        flags.refresh();
        ClientStatus status = flags.client().status();
        assertThat(status.rejectedFlags()).as("%s", doc).isEqualTo(1);
        assertThat(status.flagCount()).isEqualTo(1);
        EvaluationContext ctx = EvaluationContext.of("customer-1");
        assertThat(flags.client().booleanValue("testkit.good." + salt.length(), ctx, false))
                .isTrue();
        var bad = flags.client().stringDetail(doc.key(), ctx, "default");
        assertThat(bad.value()).isEqualTo("default");
        assertThat(bad.reason()).isIn(Reason.FLAG_NOT_FOUND, Reason.ERROR);
    }

    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Property(tries = 200)
    void invalidDocumentsOfWellFormedKindsAreJsonObjects(@ForAll("invalid") InvalidFlagDocument doc) throws Exception {
        if (doc.kind().isWellFormedJson()) {
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(doc.json())
                            .isObject())
                    .isTrue();
        }
    }
}
