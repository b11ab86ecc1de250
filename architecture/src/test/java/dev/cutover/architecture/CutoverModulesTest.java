package dev.cutover.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link CutoverModules} names each class's module from where its class file comes from, whether
 * the reactor hands on class folders ({@code test}) or jars ({@code verify}), and never from the
 * copies the cli's shaded jar bundles.
 */
class CutoverModulesTest {

    @Test
    void namesTheModuleThatHoldsAClass() {
        assertThat(CutoverModules.ofClassName("dev.cutover.flags.internal.Bucketing"))
                .isEqualTo("flags-core");
        assertThat(CutoverModules.ofClassName("dev.cutover.replication.Change")).isEqualTo("replication");
        assertThat(CutoverModules.ofClassName("dev.cutover.replication.dynamodb.DynamoDbJson"))
                .isEqualTo("replication-dynamodb");
        assertThat(CutoverModules.ofClassName("dev.cutover.cli.Main")).isEqualTo("cli");
        assertThat(CutoverModules.ofClassName("dev.cutover.fixture.boundary.ReachesIntoFlagsCore"))
                .isEqualTo("architecture");
    }

    @Test
    void namesNoModuleForOtherLibraries() {
        assertThat(CutoverModules.ofClassName("org.jspecify.annotations.NullMarked"))
                .isEqualTo(CutoverModules.NONE);
        assertThat(CutoverModules.ofClassName("java.lang.String")).isEqualTo(CutoverModules.NONE);
    }
}
