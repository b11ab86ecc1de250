package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import dev.cutover.cli.internal.Instants;
import dev.cutover.cli.internal.Percent;
import dev.cutover.cli.internal.Timeouts;
import dev.cutover.dualwrite.Stage;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.testsupport.LongRuns;
import dev.cutover.testsupport.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.BeforeContainer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option that takes a value, of every command, walked from the picocli model of {@code
 * Main.commandLine}: given a hostile value inside an otherwise valid invocation against a prepared
 * PostgreSQL database, the command exits 2 naming the option (on standard error, and as {@code
 * "option"} of the JSON error under {@code -o json}), and the database is exactly as it was
 * ({@link DatabaseSnapshot}: schema and every row).
 *
 * <p>Some well-formed values are refused with another documented code, and are generated as their
 * own kind with that code asserted: an unreachable database or an unknown user is a connection
 * failure (exit 1, "cannot connect", naming the URL's option), an {@code --expect-version} the flag
 * is not at is a write conflict (exit 3), a {@code --to-version} the flag never had is not found
 * (exit 5).
 *
 * <p>Options left out, each for a reason (see {@link #EXCLUDED}), and options whose every value is
 * checked only in part (free text by design): {@code --reason} may hold any text, so only blank and
 * over-long reasons are hostile; {@code --variants} names may be any text, so only blank or repeated names are;
 * {@code --metadata} values may be any text up to 1,024 characters, so only malformed entries, bad names,
 * over-long values and out-of-range numbers are.
 */
class HostileArgumentsProperties {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Options that take a value but are not probed, with the reason. */
    static final Map<String, String> EXCLUDED = Map.of(
            "--jdbc-password",
                    "every string may be a password; the test server trusts every connection, and a"
                            + " wrong password (a connection failure, exit 1) is NothingWrittenTest's",
            "--source-password", "as --jdbc-password",
            "--target-password", "as --jdbc-password",
            "--checkpoint-password", "as --jdbc-password");

    /** A closed port: the DynamoDB variants must refuse the hostile value before connecting anywhere. */
    private static final String DEAD_ENDPOINT = "http://127.0.0.1:1";

    private static TestDatabase db;
    private static DatabaseSnapshot prepared;
    private static Map<String, String> env;

    @BeforeContainer
    static void prepare() throws Exception {
        db = prepared("hostile");
        prepared = DatabaseSnapshot.of(db);
        Path noProfiles = Files.createTempDirectory("cutover-no-profiles");
        env = Map.of("CUTOVER_CONFIG_DIR", noProfiles.toString());
    }

    /**
     * A database as the base invocations expect it: the flag and journal tables; boolean flag
     * {@code f} at version 2; stage flag {@code m} serving SHADOW (its next move reads the journal);
     * the plain table {@code orders} (20 rows) and the empty versioned table {@code new_orders}, so
     * that a backfill or a repair would write.
     */
    static TestDatabase prepared(String hint) throws Exception {
        TestDatabase d = Stores.postgres(hint);
        for (String[] args : List.of(
                new String[] {"flags", "init", "--journal"},
                new String[] {"flags", "set", "f", "--on", "--actor", "a", "--reason", "create"},
                new String[] {"flags", "set", "f", "--rollout", "10", "--actor", "a", "--reason", "canary"},
                new String[] {"stage", "m", "--next", "--actor", "a", "--reason", "dual writes"},
                new String[] {"stage", "m", "--next", "--actor", "a", "--reason", "shadow"})) {
            List<String> all = new ArrayList<>(Arrays.asList(args));
            all.addAll(List.of("--jdbc-url", d.jdbcUrl(), "--jdbc-user", d.user()));
            Result r = Cli.run(all.toArray(String[]::new));
            assertThat(r.code()).as("%s", r).isZero();
        }
        OldTables.jdbc(d, "orders", 20);
        JdbcVersionedTarget.builder(d.dataSource()).table("new_orders").build().createTableIfMissing();
        return d;
    }

    // ---------------------------------------------------------------- the valid invocations

    /** A valid invocation: the command's path, its positional arguments, its options (null value: a flag). */
    record Base(List<String> path, List<String> positionals, LinkedHashMap<String, String> options) {
        Base copy() {
            return new Base(path, positionals, new LinkedHashMap<>(options));
        }

        Base with(String option, String value) {
            Base b = copy();
            b.options.put(option, value);
            return b;
        }

        Base without(String... option) {
            Base b = copy();
            for (String o : option) {
                b.options.remove(o);
            }
            return b;
        }

        /** The arguments with {@code option} set to {@code value} (replacing the base's value, if any). */
        List<String> args(String option, String value) {
            List<String> args = new ArrayList<>(path);
            args.addAll(positionals);
            options.forEach((o, v) -> {
                if (!o.equals(option)) {
                    args.add(v == null ? o : o + "=" + v);
                }
            });
            args.add(option + "=" + value);
            return args;
        }
    }

    private static LinkedHashMap<String, String> options(String... pairs) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static Base flagCommand(String path, List<String> positionals, String... pairs) {
        LinkedHashMap<String, String> o = options("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user());
        o.putAll(options(pairs));
        return new Base(List.of(path.split(" ")), positionals, o);
    }

    private static LinkedHashMap<String, String> sides() {
        return options(OldTables.jdbcSides(db, "orders", "new_orders").toArray(String[]::new));
    }

    /** The valid invocation of each command whose options are probed, by qualified name. */
    static Map<String, Base> bases() {
        Map<String, Base> b = new LinkedHashMap<>();
        b.put("cutover flags init", flagCommand("flags init", List.of(), "--journal", null));
        b.put("cutover flags list", flagCommand("flags list", List.of()));
        b.put("cutover flags get", flagCommand("flags get", List.of("f")));
        b.put(
                "cutover flags set",
                flagCommand("flags set", List.of("f"), "--rollout", "25", "--actor", "a", "--reason", "r"));
        b.put("cutover flags history", flagCommand("flags history", List.of("f"), "--limit", "5"));
        b.put(
                "cutover flags rollback",
                flagCommand("flags rollback", List.of("f"), "--to-version", "1", "--actor", "a", "--reason", "r"));
        b.put("cutover flags delete", flagCommand("flags delete", List.of("f"), "--actor", "a", "--reason", "r"));
        b.put("cutover stage", flagCommand("stage", List.of("m"), "--next", null, "--actor", "a", "--reason", "r"));
        b.put("cutover fleet", flagCommand("fleet", List.of()));
        LinkedHashMap<String, String> backfill = sides();
        backfill.putAll(options(
                "--backfill-id",
                "orders_v2",
                "--checkpoint-jdbc-url",
                db.jdbcUrl(),
                "--checkpoint-user",
                db.user(),
                "--progress",
                "none"));
        b.put("cutover backfill", new Base(List.of("backfill"), List.of(), backfill));
        LinkedHashMap<String, String> reconcile = sides();
        reconcile.putAll(options(
                "--recheck-after",
                "0",
                "--repair",
                null,
                "--direction",
                "old-to-new",
                "--reconcile-id",
                "probe",
                "--checkpoint-jdbc-url",
                db.jdbcUrl(),
                "--checkpoint-user",
                db.user()));
        b.put("cutover reconcile", new Base(List.of("reconcile"), List.of(), reconcile));
        return b;
    }

    /** The invocation a probe of {@code option} starts from: the command's, or a variant where the option applies. */
    static Base baseFor(String command, String option) {
        Base base = bases().get(command);
        boolean flagStore = base.options().containsKey("--jdbc-url");
        switch (option) {
            case "--dynamodb-table", "--key-prefix", "--region", "--endpoint-override" -> {
                if (flagStore) {
                    // these apply to a flag store on DynamoDB (a JDBC store has no use for them)
                    return base.without("--jdbc-url", "--jdbc-user", "--journal")
                            .with("--dynamodb-table", "cutover-flags")
                            .with("--region", "us-east-1")
                            .with("--endpoint-override", DEAD_ENDPOINT);
                }
                return base.without("--source-jdbc-url", "--source-table", "--source-user")
                        .with("--source-dynamodb-table", "old-orders")
                        .with("--region", "us-east-1")
                        .with("--endpoint-override", DEAD_ENDPOINT);
            }
            case "--source-dynamodb-table" -> {
                return base.without("--source-jdbc-url", "--source-table", "--source-user")
                        .with("--region", "us-east-1")
                        .with("--endpoint-override", DEAD_ENDPOINT);
            }
            case "--target-dynamodb-table" -> {
                return base.without("--target-jdbc-url", "--target-table", "--target-user")
                        .with("--region", "us-east-1")
                        .with("--endpoint-override", DEAD_ENDPOINT);
            }
            case "--to" -> {
                return base.without("--next");
            }
            case "--fleet-service" -> {
                // a service name restricts a wait: probed with --wait-fleet, refused before the fleet is read
                return base.with("--wait-fleet", "30s");
            }
            case "--variants" -> {
                // --variants creates a string flag: probed on a flag that does not exist yet
                return new Base(
                                base.path(),
                                List.of("fresh"),
                                base.without("--rollout").options())
                        .with("--on", null);
            }
            default -> {
                return base;
            }
        }
    }

    // ---------------------------------------------------------------- the hostile values

    /**
     * A hostile value and what it must cause: the exit code, what standard error says and the
     * option the JSON error names.
     */
    record Hostile(String value, int code, String says, String jsonOption) {}

    /** One probe: a command, an option of it, a hostile value. */
    record Probe(String command, String option, Hostile hostile) {
        @Override
        public String toString() {
            String v = hostile.value();
            String shown = v.length() > 80 ? v.substring(0, 80) + "... (" + v.length() + " chars)" : v;
            return command + " " + option + "=" + escape(shown) + " -> exit " + hostile.code();
        }
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.getType(c) == Character.FORMAT) {
                b.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** Text that is no valid value of anything structured: empty, blank, control characters, odd Unicode. */
    static Arbitrary<String> junk() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "",
                        " ",
                        "   ",
                        "\t",
                        "\n",
                        "\r\n",
                        "\u0000",
                        "a\u0000b",
                        "\u001b[2J",
                        "x\ny",
                        "a\u2028b",
                        "\u202eevil",
                        "-",
                        "--",
                        "null",
                        "☃",
                        "💥",
                        "a b",
                        "'; DROP TABLE orders; --",
                        "$(rm -rf /)",
                        "../../etc/passwd"),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2001).ofMaxLength(4000),
                Arbitraries.strings().all().ofMinLength(2001).ofMaxLength(3000));
    }

    /** Junk that {@code valid} refuses. */
    static Arbitrary<String> invalid(Predicate<String> valid, String... more) {
        Arbitrary<String> values = more.length == 0 ? junk() : Arbitraries.oneOf(junk(), Arbitraries.of(more));
        return values.filter(valid.negate());
    }

    static Predicate<String> matching(String regex) {
        Pattern p = Pattern.compile(regex);
        return v -> p.matcher(v).matches();
    }

    static Arbitrary<Hostile> usage(String option, Arbitrary<String> values) {
        return values.map(v -> new Hostile(v, 2, option, option));
    }

    /** Whole numbers outside {@code [min, max]} (decimal), and text that is no number. */
    static Arbitrary<String> badNumbers(long min, long max) {
        return Arbitraries.oneOf(
                Arbitraries.longs().lessOrEqual(min - 1).map(v -> Long.toString(v)),
                max == Long.MAX_VALUE
                        ? Arbitraries.of("9223372036854775808", "99999999999999999999999")
                        : Arbitraries.longs().greaterOrEqual(max + 1).map(v -> Long.toString(v)),
                Arbitraries.of(
                        "99999999999999999999999",
                        "-99999999999999999999999",
                        "",
                        " ",
                        "abc",
                        "1.5",
                        "1e3",
                        "NaN",
                        "--1",
                        "1_000",
                        "1,000",
                        "one",
                        "\u0000",
                        "9".repeat(2500)));
    }

    static Arbitrary<Hostile> connectionFailure(String urlOption, Arbitrary<String> values) {
        return values.map(v -> new Hostile(v, 1, "cannot connect", urlOption));
    }

    /** JDBC URLs no driver in the jar takes (exit 2), and ones that cannot be reached (exit 1). */
    static Arbitrary<Hostile> jdbcUrls(String option) {
        Predicate<String> supported = v -> {
            String s = v.toLowerCase(Locale.ROOT);
            return s.startsWith("jdbc:postgresql:")
                    || s.startsWith("jdbc:h2:")
                    || s.startsWith("jdbc:mysql:")
                    || s.startsWith("jdbc:mariadb:");
        };
        return Arbitraries.oneOf(
                usage(
                        option,
                        invalid(
                                supported,
                                "jdbc:nope:x",
                                "jdbc:",
                                "jdbc:postgres://localhost/x",
                                "postgresql://localhost:5432/app",
                                "http://localhost:5432/app",
                                "jdbc:sqlite:/tmp/x.db")),
                connectionFailure(
                        option,
                        Arbitraries.of(
                                "jdbc:postgresql://127.0.0.1:1/nope",
                                db.jdbcUrl().replaceAll("/[^/?]+(\\?.*)?$", "/no_such_database_x"))));
    }

    /**
     * Users the server does not know: a connection failure naming the URL's option; {@code --}, which
     * picocli takes for the end of the options, is a usage error naming the user's option.
     */
    static Arbitrary<Hostile> users(String userOption, String urlOption) {
        return Arbitraries.oneOf(junk(), Arbitraries.of("nobody", "root", "POSTGRES", "postgres2"))
                .filter(v -> !v.strip().equals(db.user()))
                .map(v -> v.equals("--")
                        ? new Hostile(v, 2, userOption, userOption)
                        : new Hostile(v, 1, "cannot connect", urlOption));
    }

    private static final Set<String> COLUMNS = Set.of("id", "version", "name", "amount");

    /** Names that are no identifier, and identifiers of tables that do not exist. */
    static Arbitrary<Hostile> tables(String option, String regex, String... alsoRefused) {
        Set<String> existing = new TreeSet<>(prepared.tableNames());
        Arbitrary<String> missing = Arbitraries.strings()
                .withCharRange('a', 'z')
                .ofMinLength(1)
                .ofMaxLength(20)
                .map(s -> "missing_" + s)
                .filter(s -> !existing.contains(s));
        return usage(
                option,
                Arbitraries.oneOf(
                        invalid(matching(regex), "1abc", "a-b", "a.b", "\"orders\"", "orders;", "ä"),
                        missing,
                        Arbitraries.of(alsoRefused.length == 0 ? new String[] {"missing_x"} : alsoRefused)));
    }

    /** Names that are no identifier, and columns the table does not have (or of the wrong type). */
    static Arbitrary<Hostile> columns(String option, String... alsoRefused) {
        Arbitrary<String> missing = Arbitraries.strings()
                .withCharRange('a', 'z')
                .ofMinLength(1)
                .ofMaxLength(20)
                .filter(s -> !COLUMNS.contains(s));
        return usage(
                option,
                Arbitraries.oneOf(
                        invalid(matching("[A-Za-z_][A-Za-z0-9_]{0,62}"), "1abc", "a-b", "id;", "ä"),
                        missing,
                        Arbitraries.of(alsoRefused.length == 0 ? new String[] {"no_column"} : alsoRefused)));
    }

    static boolean isInstant(String v) {
        try {
            new Instants().convert(v);
            return true;
        } catch (CommandLine.TypeConversionException e) {
            return false;
        }
    }

    static boolean isTimeout(String v) {
        try {
            Timeouts.parse(v);
            return true;
        } catch (CommandLine.TypeConversionException e) {
            return false;
        }
    }

    static boolean isPercent(String v) {
        try {
            Percent.parse(v);
            return true;
        } catch (CommandLine.TypeConversionException e) {
            return false;
        }
    }

    static boolean isActor(String v) {
        String s = v.strip();
        if (s.isEmpty() || s.length() > 200) {
            return false;
        }
        try {
            new AuditInfo(s, "r");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean isEndpoint(String v) {
        try {
            URI uri = new URI(v);
            return uri.getScheme() != null
                    && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static boolean isPositiveNumber(String v) {
        try {
            double d = Double.parseDouble(v);
            return d > 0 && Double.isFinite(d);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Arbitrary<String> blankOrLonger(int max) {
        return Arbitraries.oneOf(
                Arbitraries.of("", " ", "\t", "\n", " \r\n "),
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .ofMinLength(max + 1)
                        .ofMaxLength(max + 2000),
                Arbitraries.strings().all().ofMinLength(max + 1).ofMaxLength(max + 500));
    }

    /**
     * The hostile values of one option of one command, or null when the option is not classified
     * (the coverage example then fails, so a new option is never silently left out).
     */
    static Arbitrary<Hostile> hostile(String command, String option) {
        String stageOrFlag = command.equals("cutover stage") ? "stage" : "flag";
        switch (option) {
            case "--jdbc-url", "--source-jdbc-url", "--target-jdbc-url", "--checkpoint-jdbc-url", "--journal-jdbc-url":
                return jdbcUrls(option);
            case "--jdbc-user":
                return users("--jdbc-user", "--jdbc-url");
            case "--source-user":
                return users("--source-user", "--source-jdbc-url");
            case "--target-user":
                return users("--target-user", "--target-jdbc-url");
            case "--checkpoint-user":
                return users("--checkpoint-user", "--checkpoint-jdbc-url");
            case "--table-prefix", "--journal-prefix":
                return usage(option, invalid(matching("[a-z][a-z0-9_]{0,39}"), "Cutover_", "1x", "a-b", "x y"));
            case "--key-prefix":
                return usage(option, invalid(matching("[A-Za-z0-9_./-]{0,64}"), "a b", "a:b", "p\\q", "é/"));
            case "--dynamodb-table", "--source-dynamodb-table", "--target-dynamodb-table":
                return usage(option, invalid(matching("[A-Za-z0-9_.-]{3,255}"), "ab", "a b", "t/1", "t:x"));
            case "--region":
                return usage(option, invalid(matching("[a-z0-9-]{1,64}"), "EU-WEST-1", "us_east_1", "eu west 1"));
            case "--endpoint-override":
                return usage(
                        option,
                        invalid(
                                HostileArgumentsProperties::isEndpoint,
                                "ftp://x",
                                "localhost:8000",
                                "http://",
                                "http:///x",
                                "file:///etc/passwd",
                                "//x"));
            case "--profile":
                // any name: a bad one is refused, a good one names a file that does not exist
                return usage(option, Arbitraries.oneOf(junk(), Arbitraries.of("prod", "staging.eu", "a_b-c")));
            case "--output":
                return usage(
                        option,
                        invalid(
                                v -> v.equalsIgnoreCase("text") || v.equalsIgnoreCase("json"),
                                "yaml",
                                "xml",
                                "jsonl",
                                "JSON5",
                                " json",
                                "tex"));
            case "--actor":
                return usage(
                        option,
                        Arbitraries.oneOf(
                                blankOrLonger(200),
                                Arbitraries.of(
                                                "\u0000", "\u0007", "\u001b", "\n", "\r", "\u0085", "\u2028", "\u2029",
                                                "\u202e", "\u2066", "\u200f", "\u007f")
                                        .map(c -> "a" + c + "b"),
                                junk().filter(v -> !isActor(v))));
            case "--reason":
                // free text by design (any character, any line): only blank and over-long are hostile
                return usage(option, blankOrLonger(2000));
            case "--effective-at":
                return usage(
                        option,
                        Arbitraries.oneOf(
                                invalid(
                                        HostileArgumentsProperties::isInstant,
                                        "2026-03-01",
                                        "2099-03-01T02:00:00",
                                        "2099-13-01T00:00:00Z",
                                        "tomorrow",
                                        "+1h",
                                        "1700000000"),
                                Arbitraries.longs()
                                        .between(-30_000_000_000L, Instant.now().getEpochSecond() - 3600)
                                        .map(s -> Instant.ofEpochSecond(s).toString())));
            case "--rollout", "--ramp":
                return usage(
                        option,
                        Arbitraries.oneOf(
                                        Arbitraries.of(
                                                "-1",
                                                "-0.5",
                                                "100.001",
                                                "101",
                                                "150%",
                                                "1e2",
                                                "10.0001",
                                                "NaN",
                                                "Infinity",
                                                "%",
                                                "50%%",
                                                "0x10",
                                                "ten"),
                                        Arbitraries.doubles().map(d -> Double.toString(d)),
                                        junk())
                                .filter(v -> !isPercent(v)));
            case "--variant":
                return usage(
                        option,
                        Arbitraries.oneOf(junk(), Arbitraries.of("TRUE", "maybe", "on", "1"))
                                .filter(v -> !v.equals("true") && !v.equals("false")));
            case "--variants":
                // variant names are free text; a blank one, or one given twice, is what is refused
                return usage(
                        option, Arbitraries.of("", " ", ",", "a,,b", "a, ,b", " ,a", "\t", "a,\n", "a,a", "x,y,x"));
            case "--metadata":
                // NAME=VALUE: a missing '=' or name, a name with a control character, over-long names
                // and values, and numbers that are out of range are refused; any other text is a string
                return usage(
                        option,
                        Arbitraries.oneOf(
                                Arbitraries.of(
                                        "=x",
                                        "=",
                                        "noequals",
                                        "a=1e999",
                                        "a=-1e999",
                                        "a=99999999999999999999",
                                        "n".repeat(129) + "=v",
                                        "a=" + "v".repeat(1025)),
                                Arbitraries.of("\u0000", "\u0007", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085")
                                        .map(c -> "a" + c + "b=1"),
                                Arbitraries.strings()
                                        .withCharRange('a', 'z')
                                        .ofMinLength(129)
                                        .ofMaxLength(400)
                                        .map(n -> n + "=v"),
                                Arbitraries.strings()
                                        .all()
                                        .ofMinLength(1025)
                                        .ofMaxLength(2000)
                                        .map(v -> "long=" + v),
                                junk().filter(v -> !v.contains("="))));
            case "--expect-version":
                if (command.equals("cutover flags set")) {
                    return Arbitraries.oneOf(
                            usage(option, badNumbers(0, Long.MAX_VALUE)),
                            Arbitraries.longs()
                                    .between(0, Long.MAX_VALUE)
                                    .filter(v -> v != 2)
                                    .map(v -> new Hostile(Long.toString(v), 3, "write conflict", null)));
                }
                return Arbitraries.oneOf(
                        usage(option, badNumbers(1, Long.MAX_VALUE)),
                        Arbitraries.longs()
                                .between(1, Long.MAX_VALUE)
                                .filter(v -> v != 2)
                                .map(v -> new Hostile(Long.toString(v), 3, "write conflict", null)));
            case "--to-version":
                return Arbitraries.oneOf(
                        usage(option, badNumbers(1, Long.MAX_VALUE)),
                        Arbitraries.longs()
                                .between(3, Long.MAX_VALUE)
                                .map(v -> new Hostile(Long.toString(v), 5, "has no version " + v, null)));
            case "--limit", "--batch-size":
                return usage(option, badNumbers(1, 10_000));
            case "--workers":
                return usage(option, badNumbers(1, 64));
            case "--ranges":
                return usage(option, badNumbers(1, 4096));
            case "--reconcile-id":
                return usage(
                        option,
                        Arbitraries.oneOf(
                                invalid(matching("[a-z][a-z0-9_]{0,37}"), "Orders", "1st", "a-b", "orders v2"),
                                Arbitraries.strings()
                                        .withCharRange('a', 'z')
                                        .ofMinLength(39)
                                        .ofMaxLength(3000)));
            case "--source-segments", "--target-segments":
                return usage(option, badNumbers(1, 4096));
            case "--buckets":
                return usage(option, badNumbers(1, 1 << 20));
            case "--recheck-after":
                return usage(option, badNumbers(0, 86_400_000));
            case "--progress-interval":
                return usage(option, badNumbers(0, Long.MAX_VALUE));
            case "--rate-limit":
                return usage(
                        option,
                        Arbitraries.oneOf(
                                        Arbitraries.of(
                                                "0",
                                                "-1",
                                                "-0.5",
                                                "NaN",
                                                "Infinity",
                                                "-Infinity",
                                                "1e400",
                                                "abc",
                                                "",
                                                " ",
                                                "1/s"),
                                        Arbitraries.doubles().lessOrEqual(0).map(d -> Double.toString(d)))
                                .filter(v -> !isPositiveNumber(v)));
            case "--owner":
                return usage(
                        option,
                        Arbitraries.oneOf(
                                blankOrLonger(200),
                                Arbitraries.of("\u0000", "\u0007", "\n", "\t", "\u001b", "\u007f", "\u0085")
                                        .map(c -> "host" + c + "1")));
            case "--report":
                return usage(
                        option,
                        Arbitraries.oneOf(
                                Arbitraries.of(
                                        "",
                                        ".",
                                        "/",
                                        "/tmp",
                                        "/nonexistent/dir/report.json",
                                        "/etc/hostname/report.json",
                                        "a\u0000b.json"),
                                Arbitraries.strings()
                                        .withCharRange('a', 'z')
                                        .ofMinLength(1)
                                        .ofMaxLength(30)
                                        .map(s -> "/nonexistent/" + s + "/report.json")));
            case "--progress":
                return usage(
                        option,
                        invalid(
                                v -> Set.of("auto", "bar", "lines", "none").contains(v),
                                "fancy",
                                "BAR",
                                "Lines",
                                "auto ",
                                "dots"));
            case "--backfill-id":
                return usage(
                        option,
                        Arbitraries.oneOf(
                                invalid(matching("[a-z][a-z0-9_]{0,62}"), "Orders", "1st", "a-b", "orders v2"),
                                Arbitraries.strings()
                                        .withCharRange('a', 'z')
                                        .ofMinLength(64)
                                        .ofMaxLength(3000)));
            case "--source-table":
                return tables(option, "[A-Za-z_][A-Za-z0-9_]{0,62}");
            case "--target-table":
                // a plain table is not in the versioned layout; a missing one needs --create-target
                return tables(option, "[a-z][a-z0-9_]{0,47}", "orders", "cutover_flags");
            case "--source-key":
                return columns(option);
            case "--source-version":
                return columns(option, "id", "name");
            case "--direction":
                return usage(
                        option,
                        invalid(
                                v -> Set.of("old-to-new", "new-to-old")
                                        .contains(v.strip()
                                                .toLowerCase(Locale.ROOT)
                                                .replace('_', '-')),
                                "sideways",
                                "both",
                                "old->new",
                                "oldtonew"));
            case "--to":
                return usage(
                        option,
                        invalid(
                                v -> Arrays.stream(Stage.values())
                                        .anyMatch(s -> s.name().equalsIgnoreCase(v)),
                                "LATER",
                                "old-only",
                                "dual write",
                                "LIVE!"));
            case "--wait-fleet":
                return usage(
                        option,
                        invalid(
                                HostileArgumentsProperties::isTimeout,
                                "0s",
                                "999ms",
                                "-1m",
                                "120",
                                "2 minutes",
                                "25h",
                                "1441m",
                                "PT0S",
                                "P2D",
                                "soon",
                                "1.5m"));
            case "--fleet-service", "--service":
                // service names are checked as FleetHeartbeat checks them; a valid one is matched exactly
                return usage(
                        option,
                        invalid(
                                Heartbeat::isValidName,
                                "orders/1",
                                "a b",
                                "orders;",
                                "é",
                                "x".repeat(129),
                                "*",
                                "%",
                                "orders\u0000"));
            case "--ignore-field":
                return usage(option, Arbitraries.of("", " ", "a,,b", ",", "\t", "a,\u0000", "x\ny", "a, ,b"));
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- the model

    /** A command and one of its options that takes a value. */
    record Target(String command, String option) {}

    /** Every value-taking option of every command, from the picocli model, help and version aside. */
    static List<Target> targets() {
        List<Target> all = new ArrayList<>();
        walk(Main.commandLine(Map.of()).getCommandSpec(), all);
        return all;
    }

    private static void walk(CommandSpec spec, List<Target> into) {
        for (OptionSpec o : spec.options()) {
            if (o.arity().max() > 0 && !o.usageHelp() && !o.versionHelp()) {
                into.add(new Target(spec.qualifiedName(), o.longestName()));
            }
        }
        for (CommandLine sub : spec.subcommands().values()) {
            walk(sub.getCommandSpec(), into);
        }
    }

    static List<Target> probed() {
        return targets().stream().filter(t -> !EXCLUDED.containsKey(t.option())).toList();
    }

    @Example
    void everyOptionThatTakesAValueIsProbedOrExcludedWithAReason() {
        List<Target> targets = targets();
        assertThat(targets).as("the model has the commands' options").hasSizeGreaterThan(60);
        for (Target t : targets) {
            if (EXCLUDED.containsKey(t.option())) {
                assertThat(EXCLUDED.get(t.option())).isNotBlank();
                continue;
            }
            assertThat(bases()).as("a valid invocation of %s", t.command()).containsKey(t.command());
            assertThat(hostile(t.command(), t.option()))
                    .as("hostile values for %s %s", t.command(), t.option())
                    .isNotNull();
        }
    }

    /** The valid invocations really are valid: each succeeds on a database prepared like the probes'. */
    @Example
    void everyValidInvocationSucceeds() throws Exception {
        for (Map.Entry<String, Base> e : bases().entrySet()) {
            TestDatabase fresh = prepared("hostile_base");
            Base base = e.getValue();
            List<String> args = new ArrayList<>(base.path());
            args.addAll(base.positionals());
            base.options().forEach((o, v) -> args.add(v == null ? o : o + "=" + replaceDb(v, fresh)));
            Result r = Cli.runWith(env, args.toArray(String[]::new));
            assertThat(r.code()).as("%s: %s", args, r).isZero();
        }
        // the string flag --variants would create
        Base variants = baseFor("cutover flags set", "--variants");
        TestDatabase fresh = prepared("hostile_base");
        List<String> args = variants.args("--variants", "a,b");
        args.replaceAll(a -> replaceDb(a, fresh));
        Result r = Cli.runWith(env, args.toArray(String[]::new));
        assertThat(r.code()).as("%s: %s", args, r).isZero();
    }

    private static String replaceDb(String arg, TestDatabase fresh) {
        return arg.replace(db.jdbcUrl(), fresh.jdbcUrl());
    }

    @Provide
    Arbitrary<Probe> probes() {
        List<Arbitrary<Probe>> perOption = new ArrayList<>();
        for (Target t : probed()) {
            Arbitrary<Hostile> values = hostile(t.command(), t.option());
            perOption.add(values.map(h -> new Probe(t.command(), t.option(), h)));
        }
        return Arbitraries.oneOf(perOption);
    }

    @Property(tries = 50)
    void aHostileValueIsRefusedNamingItsOptionAndNothingIsWritten(@ForAll("probes") Probe p) throws Exception {
        check(p);
    }

    /** The long variant: 1,200 tries ({@code -Dcutover.long=true}). */
    @Property(tries = 1_200)
    @Tag(LongRuns.TAG)
    void aHostileValueIsRefusedInTheLongRun(@ForAll("probes") Probe p) throws Exception {
        check(p);
    }

    /** One fixed hostile value of every probed option, so each is tried whatever the random draw. */
    @Example
    void everyProbedOptionRefusesAnEmptyOrMalformedValue() throws Exception {
        for (Target t : probed()) {
            Hostile h = hostile(t.command(), t.option())
                    .filter(x -> x.code() == 2 || t.option().endsWith("-user"))
                    .sample();
            check(new Probe(t.command(), t.option(), h));
        }
    }

    static void check(Probe p) throws Exception {
        Hostile h = p.hostile();
        List<String> args = baseFor(p.command(), p.option()).args(p.option(), h.value());
        // compared with the state just before the invocation: after a failure that wrote,
        // every later try (and jqwik's shrinking) still judges its own invocation alone
        DatabaseSnapshot before = DatabaseSnapshot.of(db);
        Result r = Cli.runWith(env, args.toArray(String[]::new));
        assertThat(DatabaseSnapshot.of(db))
                .as("%s wrote to the database\n%s", p, r)
                .isEqualTo(before);
        assertThat(r.code()).as("%s\n%s", p, r).isEqualTo(h.code());
        assertThat(r.err()).as("%s\n%s", p, r).contains(h.says());
        if (h.code() == 2) {
            assertThat(r.err()).as("%s\n%s", p, r).contains(p.option());
        }
        assertThat(r.err()).as("%s\n%s", p, r).doesNotContain("Exception").doesNotContain("\tat ");
        CommandSpec spec = spec(p.command());
        if (spec.findOption("--output") != null && !p.option().equals("--output")) {
            args.add("-o");
            args.add("json");
            Result json = Cli.runWith(env, args.toArray(String[]::new));
            assertThat(json.code()).as("%s -o json\n%s", p, json).isEqualTo(h.code());
            JsonNode error;
            try {
                error = JSON.readTree(json.out());
            } catch (IOException e) {
                throw new AssertionError("not one JSON object: " + p + "\n" + json, e);
            }
            assertThat(error.isObject()).as("%s\n%s", p, json).isTrue();
            assertThat(error.get("code").asInt()).as("%s\n%s", p, json).isEqualTo(h.code());
            assertThat(error.get("error").asText()).as("%s\n%s", p, json).isNotBlank();
            if (h.jsonOption() != null) {
                assertThat(names(spec, error.get("option").asText()))
                        .as("%s: option %s\n%s", p, error.get("option"), json)
                        .contains(h.jsonOption());
            }
        }
        assertThat(DatabaseSnapshot.of(db))
                .as("%s -o json wrote to the database", p)
                .isEqualTo(before);
    }

    /** The names of the option called {@code name} in {@code spec}, or just {@code name}. */
    private static List<String> names(CommandSpec spec, String name) {
        OptionSpec o = spec.findOption(name);
        return o == null ? List.of(name) : Arrays.asList(o.names());
    }

    private static CommandSpec spec(String qualifiedName) {
        CommandLine cmd = Main.commandLine(Map.of());
        for (String part : qualifiedName.split(" ")) {
            if (!part.equals("cutover")) {
                cmd = cmd.getSubcommands().get(part);
            }
        }
        return cmd.getCommandSpec();
    }
}
