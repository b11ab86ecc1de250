package dev.cutover.cli.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Where the connection settings of a command come from, first match wins: the command line, then a
 * profile file ({@code --profile NAME} or {@code CUTOVER_PROFILE}), then the environment
 * ({@code CUTOVER_} and the option's name in upper case with {@code _} for {@code -}:
 * {@code --source-jdbc-url} is {@code CUTOVER_SOURCE_JDBC_URL}). So no password needs to be on a
 * command line, where {@code ps} shows it to every user of the machine.
 *
 * <p>A profile is a properties file {@code NAME.properties} in {@code $CUTOVER_CONFIG_DIR}, else
 * {@code $XDG_CONFIG_HOME/cutover}, else {@code ~/.config/cutover}; its keys are option names
 * without the dashes ({@code jdbc-url=jdbc:postgresql://db/app}). It is refused when group or
 * others may read or write it, and an unknown key in it is an error naming the key.
 */
final class Settings {
    /** Every setting that may come from a profile or the environment, by option name without dashes. */
    static final List<String> KEYS = List.of(
            "jdbc-url",
            "jdbc-user",
            "jdbc-password",
            "table-prefix",
            "dynamodb-table",
            "key-prefix",
            "region",
            "endpoint-override",
            "journal-jdbc-url",
            "journal-prefix",
            "source-jdbc-url",
            "source-user",
            "source-password",
            "source-dynamodb-table",
            "target-jdbc-url",
            "target-user",
            "target-password",
            "target-dynamodb-table",
            "checkpoint-jdbc-url",
            "checkpoint-user",
            "checkpoint-password");

    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** {@code --profile NAME}: a mixin of every command that connects to a store. */
    static final class ProfileOption {
        @Option(
                names = "--profile",
                paramLabel = "NAME",
                description = "Read connection settings from NAME.properties in the configuration directory"
                        + " (~/.config/cutover); default: env CUTOVER_PROFILE. The command line wins over the profile,"
                        + " the profile over CUTOVER_* environment variables.")
        @Nullable
        String name;
    }

    /**
     * A resolved value and where it came from.
     *
     * @param key the setting, an option name without dashes
     * @param value the value
     * @param origin where it came from, for messages: "option '--jdbc-url'", "CUTOVER_JDBC_URL
     *     (environment)" or "jdbc-url in profile 'prod' (PATH)"
     * @param commandLine whether it was given on the command line
     */
    record Value(String key, String value, String origin, boolean commandLine) {
        /** The option this value is for, such as {@code --jdbc-url}. */
        String option() {
            return "--" + key;
        }

        /** "Invalid value for ORIGIN: PROBLEM but was 'VALUE'" as a usage error naming the option. */
        CliException invalid(String problem) {
            return CliException.usage(
                    option(), "Invalid value for " + origin + ": " + problem + " but was " + CliException.shown(value));
        }
    }

    private final Map<String, String> env;
    private final Properties profile;
    private final String profileOrigin;

    private Settings(Map<String, String> env, Properties profile, String profileOrigin) {
        this.env = env;
        this.profile = profile;
        this.profileOrigin = profileOrigin;
    }

    /** The settings of the command {@code spec}, reading the profile named on its command line or in the environment. */
    static Settings of(CommandSpec spec, @Nullable String profileName) {
        Map<String, String> env = environment(spec);
        String name = profileName != null ? profileName : blankToNull(env.get("CUTOVER_PROFILE"));
        String option = profileName != null ? "--profile" : "CUTOVER_PROFILE";
        if (name == null) {
            return new Settings(env, new Properties(), "");
        }
        if (!PROFILE_NAME.matcher(name).matches()) {
            throw CliException.usage(
                    option,
                    "Invalid value for " + (option.startsWith("--") ? "option '" + option + "'" : option)
                            + ": expected a name of letters, digits, '.', '-' or '_' (the file NAME.properties) but was "
                            + CliException.shown(name));
        }
        Path file = configDirectory(env).resolve(name + ".properties");
        return new Settings(env, load(file, option), "profile '" + name + "' (" + file + ")");
    }

    /** The environment the root command was created with. */
    static Map<String, String> environment(CommandSpec spec) {
        Object root = spec.root().userObject();
        return root instanceof CutoverCommand c ? c.environment() : System.getenv();
    }

    /** The directory of profile files. */
    static Path configDirectory(Map<String, String> env) {
        String dir = blankToNull(env.get("CUTOVER_CONFIG_DIR"));
        if (dir != null) {
            return Path.of(dir);
        }
        String xdg = blankToNull(env.get("XDG_CONFIG_HOME"));
        if (xdg != null) {
            return Path.of(xdg, "cutover");
        }
        return Path.of(System.getProperty("user.home"), ".config", "cutover");
    }

    private static Properties load(Path file, String option) {
        Properties p = new Properties();
        try {
            checkPermissions(file, option);
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        } catch (NoSuchFileException e) {
            throw CliException.usage(
                    option,
                    "Invalid value for option '" + option + "': the profile file " + file
                            + " does not exist; create it (chmod 600) with lines such as jdbc-url=jdbc:postgresql://db/app");
        } catch (IOException | IllegalArgumentException e) {
            throw CliException.usage(
                    option,
                    "Invalid value for option '" + option + "': cannot read the profile file " + file + ": "
                            + Errors.describe(e));
        }
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw CliException.usage(
                    option,
                    "the profile file " + file + " has unknown keys " + unknown + "; the keys are: "
                            + String.join(", ", KEYS));
        }
        return p;
    }

    private static void checkPermissions(Path file, String option) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions on this file system
        }
        Set<String> open = new TreeSet<>();
        for (PosixFilePermission perm : perms) {
            String n = perm.name();
            if ((n.startsWith("GROUP_") || n.startsWith("OTHERS_")) && !n.endsWith("_EXECUTE")) {
                open.add(n.toLowerCase(Locale.ROOT));
            }
        }
        if (!open.isEmpty()) {
            throw CliException.usage(
                    option,
                    "the profile file " + file + " may hold passwords but allows " + String.join(", ", open)
                            + "; run: chmod 600 " + file);
        }
    }

    /**
     * The value of setting {@code key} (an option name without dashes): the command line's value if
     * given, else the profile's, else the environment's, else null.
     */
    @Nullable
    Value get(String key, @Nullable String commandLine) {
        if (!KEYS.contains(key)) {
            throw new IllegalArgumentException("not a setting: " + key);
        }
        if (commandLine != null) {
            return new Value(key, commandLine, "option '--" + key + "'", true);
        }
        String fromProfile = blankToNull(profile.getProperty(key));
        if (fromProfile != null) {
            return new Value(key, fromProfile.strip(), key + " in " + profileOrigin, false);
        }
        String var = envName(key);
        String fromEnv = blankToNull(env.get(var));
        return fromEnv == null ? null : new Value(key, fromEnv, var + " (environment)", false);
    }

    /** The value of {@code key}, or null. */
    @Nullable
    String value(String key, @Nullable String commandLine) {
        Value v = get(key, commandLine);
        return v == null ? null : v.value();
    }

    /** The value of {@code key}, or {@code byDefault}. */
    String value(String key, @Nullable String commandLine, String byDefault) {
        Value v = get(key, commandLine);
        return v == null ? byDefault : v.value();
    }

    /**
     * Tells the operator, on standard error, that a password given on the command line is visible
     * to every user of the machine, and what to use instead.
     */
    static void warnIfOnCommandLine(CommandSpec spec, @Nullable Value password) {
        if (password != null && password.commandLine()) {
            spec.commandLine()
                    .getErr()
                    .println("note: " + password.option() + " on the command line is visible to every user of this"
                            + " machine (ps); prefer " + envName(password.key()) + " or a profile file (--profile)");
        }
    }

    /** The environment variable of setting {@code key}: {@code jdbc-url} is {@code CUTOVER_JDBC_URL}. */
    static String envName(String key) {
        return "CUTOVER_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
