package dev.cutover.spring;

import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.spring.internal.CutoverAutoConfiguration;
import dev.cutover.testsupport.H2Databases;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Every malformed value of the settings Cutover parses itself is rejected with a message naming the property and the value. */
class ConfigurationRejectionProperties {
    private static final DataSource H2 = H2Databases.inMemory("rejections");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CutoverAutoConfiguration.class))
            .withBean(DataSource.class, () -> H2);

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_-;.'\"/ ")
                .ofMinLength(1)
                .ofMaxLength(50)
                .filter(s -> !s.isBlank() && s.strip().equals(s));
    }

    @Property(tries = 60)
    void anUnknownStoreKindIsNamed(@ForAll("text") String kind) {
        String normalized = kind.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        Assume.that(!Set.of("jsonfile", "jdbc", "dynamodb").contains(normalized));
        runner.withPropertyValues("cutover.flags.store=" + kind)
                .run(c -> Failures.namesPropertyAndValue(c, "cutover.flags.store", kind));
    }

    @Property(tries = 60)
    void aMalformedTablePrefixIsNamed(@ForAll("text") String prefix) {
        Assume.that(!JdbcFlagStore.IDENTIFIER.matcher(prefix).matches());
        runner.withPropertyValues("cutover.flags.store=jdbc", "cutover.flags.jdbc.table-prefix=" + prefix)
                .run(c -> Failures.namesPropertyAndValue(c, "cutover.flags.jdbc.table-prefix", prefix));
    }

    @Property(tries = 60)
    void aMalformedStageFlagKeyIsNamed(@ForAll("text") String key) {
        Assume.that(!dev.cutover.flags.Flag.isValidKey(key));
        runner.withPropertyValues(
                        "cutover.flags.store=jdbc",
                        "cutover.flags.jdbc.create-tables=true",
                        "cutover.dual-write.repositories.orders.interface="
                                + dev.cutover.spring.fixtures.OrderRepository.class.getName(),
                        "cutover.dual-write.repositories.orders.old-bean=a",
                        "cutover.dual-write.repositories.orders.new-bean=b",
                        "cutover.dual-write.repositories.orders.stage-flag=" + key)
                .run(c -> Failures.namesPropertyAndValue(c, "cutover.dual-write.repositories.orders.stage-flag", key));
    }

    @Property(tries = 60)
    void aJitterOutsideZeroToOneIsNamed(@ForAll double jitter) {
        Assume.that(!(jitter >= 0.0 && jitter < 1.0) && Double.isFinite(jitter));
        String written = Double.toString(jitter);
        runner.withPropertyValues("cutover.flags.store=jdbc", "cutover.flags.poll-jitter=" + written)
                .run(c -> Failures.namesPropertyAndValue(c, "cutover.flags.poll-jitter", written));
    }
}
