package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cli.Cli.Result;
import dev.cutover.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection settings without secrets on the command line: from the environment or a profile file,
 * the command line winning over the profile and the profile over the environment; a profile others
 * may read is refused.
 */
class SettingsTest {
    @TempDir
    Path config;

    private static final TestDatabase DB = Stores.postgres("cli_settings");

    static {
        Cli.run("flags", "init", "--jdbc-url", DB.jdbcUrl(), "--jdbc-user", DB.user());
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("CUTOVER_CONFIG_DIR", config.toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Path profile(String name, String text, String perms) throws Exception {
        Path file = config.resolve(name + ".properties");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        return file;
    }

    @Test
    void theEnvironmentNamesTheStore() {
        Result r = Cli.runWith(env("CUTOVER_JDBC_URL", DB.jdbcUrl(), "CUTOVER_JDBC_USER", DB.user()), "flags", "list");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).contains("store revision");
    }

    @Test
    void aBadValueFromTheEnvironmentIsNamedWithItsOrigin() {
        Result r = Cli.runWith(env("CUTOVER_JDBC_URL", "postgres://db/app"), "flags", "list", "-o", "json");
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err())
                .contains("Invalid value for CUTOVER_JDBC_URL (environment)")
                .contains("'postgres://db/app'");
        assertThat(r.out()).contains("\"option\" : \"--jdbc-url\"");
    }

    @Test
    void aProfileIsReadAndTheCommandLineWinsOverIt() throws Exception {
        profile("prod", "jdbc-url=" + DB.jdbcUrl() + "\njdbc-user=" + DB.user() + "\n", "rw-------");
        Result viaProfile = Cli.runWith(env(), "flags", "list", "--profile", "prod");
        assertThat(viaProfile.code()).as("%s", viaProfile).isZero();
        Result viaEnv = Cli.runWith(env("CUTOVER_PROFILE", "prod"), "flags", "list");
        assertThat(viaEnv.code()).as("%s", viaEnv).isZero();
        // the profile wins over the environment
        Result overEnv =
                Cli.runWith(env("CUTOVER_JDBC_URL", "jdbc:h2:mem:elsewhere"), "flags", "list", "--profile", "prod");
        assertThat(overEnv.code()).as("%s", overEnv).isZero();
        // the command line wins over the profile
        Result overProfile = Cli.runWith(env(), "flags", "list", "--profile", "prod", "--jdbc-url", "not-a-url");
        assertThat(overProfile.code()).as("%s", overProfile).isEqualTo(2);
        assertThat(overProfile.err()).contains("Invalid value for option '--jdbc-url'");
    }

    @Test
    void aProfileOthersMayReadIsRefused() throws Exception {
        Path file = profile("open", "jdbc-url=" + DB.jdbcUrl() + "\njdbc-password=secret\n", "rw-r--r--");
        Result r = Cli.runWith(env(), "flags", "list", "--profile", "open");
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).contains("allows group_read, others_read").contains("chmod 600 " + file);
        assertThat(r.err()).doesNotContain("secret");
    }

    @Test
    void unknownKeysMissingFilesAndBadNamesAreNamed() throws Exception {
        profile("typo", "jdbc_url=x\n", "rw-------");
        Result typo = Cli.runWith(env(), "flags", "list", "--profile", "typo");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown keys [jdbc_url]").contains("jdbc-url");

        Result missing = Cli.runWith(env(), "flags", "list", "--profile", "nope");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.properties does not exist");

        Result traversal = Cli.runWith(env(), "flags", "list", "--profile", "../etc/passwd");
        assertThat(traversal.code()).isEqualTo(2);
        assertThat(traversal.err()).contains("Invalid value for option '--profile'");
    }

    @Test
    void aPasswordOnTheCommandLineIsPointedOut() {
        Result r = Cli.runWith(
                env(), "flags", "list", "--jdbc-url", DB.jdbcUrl(), "--jdbc-user", DB.user(), "--jdbc-password", "pw");
        assertThat(r.err())
                .contains("--jdbc-password on the command line is visible")
                .contains("CUTOVER_JDBC_PASSWORD");
    }

    @Test
    void twoStoresFromTheEnvironmentAreRefused() {
        Result r =
                Cli.runWith(env("CUTOVER_JDBC_URL", DB.jdbcUrl(), "CUTOVER_DYNAMODB_TABLE", "flags"), "flags", "list");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Two flag stores").contains("CUTOVER_DYNAMODB_TABLE");
    }
}
