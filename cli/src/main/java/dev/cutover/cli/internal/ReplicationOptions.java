package dev.cutover.cli.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.replication.dynamodb.DynamoDbScanSource;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import dev.cutover.replication.dynamodb.ItemKey;
import dev.cutover.replication.dynamodb.ItemVersion;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.KeyReader;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.VersionedTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The old store (source) and the new store (target) of a backfill or reconciliation: a JDBC table or
 * a DynamoDB table each. A plain old table is read through {@code JdbcSource} or {@code
 * DynamoDbScanSource}; a table in the versioned layout ({@code --source-versioned}, and every
 * target) through {@code JdbcVersionedTarget} or {@code DynamoDbVersionedTarget}.
 */
public final class ReplicationOptions {

    /** The old store. */
    static final class Source {
        @Option(
                names = "--source-jdbc-url",
                paramLabel = "URL",
                required = true,
                description = "JDBC URL of the old store.")
        @Nullable
        String jdbcUrl;

        @Option(
                names = "--source-dynamodb-table",
                paramLabel = "TABLE",
                required = true,
                description = "DynamoDB table of the old store.")
        @Nullable
        String dynamoDbTable;
    }

    /** The new store. */
    static final class Target {
        @Option(
                names = "--target-jdbc-url",
                paramLabel = "URL",
                required = true,
                description = "JDBC URL of the new store.")
        @Nullable
        String jdbcUrl;

        @Option(
                names = "--target-dynamodb-table",
                paramLabel = "TABLE",
                required = true,
                description = "DynamoDB table of the new store (versioned layout).")
        @Nullable
        String dynamoDbTable;
    }

    @ArgGroup(
            exclusive = true,
            multiplicity = "0..1",
            heading = "Old store, the source (one of; or CUTOVER_SOURCE_JDBC_URL / CUTOVER_SOURCE_DYNAMODB_TABLE):%n")
    @Nullable
    Source source;

    @Option(names = "--source-table", paramLabel = "TABLE", description = "JDBC table of the old store.")
    @Nullable
    String sourceTable;

    @Option(
            names = "--source-key",
            paramLabel = "NAME",
            description = "Key column (JDBC) or attribute (DynamoDB) of the old table: unique, indexed.")
    @Nullable
    String sourceKey;

    @Option(
            names = "--source-version",
            paramLabel = "NAME",
            description = "Integer version column or attribute of the old table (at least 1, raised on every write).")
    @Nullable
    String sourceVersion;

    @Option(
            names = "--source-versioned",
            description =
                    "The old table is in the versioned layout (as a JdbcVersionedTarget or DynamoDbVersionedTarget"
                            + " writes it): no --source-key or --source-version; needed to repair new-to-old.")
    boolean sourceVersioned;

    @Option(
            names = "--source-segments",
            paramLabel = "N",
            description = "Segments of the old table, 1 to 4096: default 8 for JDBC, 4 for a DynamoDB scan.")
    @Nullable
    Integer sourceSegments;

    @Option(
            names = "--source-user",
            paramLabel = "USER",
            description = "Old database user; default: env CUTOVER_SOURCE_USER.")
    @Nullable
    String sourceUser;

    @Option(
            names = "--source-password",
            paramLabel = "PASSWORD",
            description =
                    "Old database password; default: env CUTOVER_SOURCE_PASSWORD (prefer it: arguments show in ps).")
    @Nullable
    String sourcePassword;

    @ArgGroup(
            exclusive = true,
            multiplicity = "0..1",
            heading = "New store, the target (one of; or CUTOVER_TARGET_JDBC_URL / CUTOVER_TARGET_DYNAMODB_TABLE):%n")
    @Nullable
    Target target;

    @Option(names = "--target-table", paramLabel = "TABLE", description = "JDBC table of the new store.")
    @Nullable
    String targetTable;

    @Option(
            names = "--target-segments",
            paramLabel = "N",
            description = "Segments the new table is read in, for reconciliation, 1 to 4096; default 8.")
    @Nullable
    Integer targetSegments;

    @Option(names = "--create-target", description = "Create the new table if it does not exist.")
    boolean createTarget;

    @Option(
            names = "--target-user",
            paramLabel = "USER",
            description = "New database user; default: env CUTOVER_TARGET_USER.")
    @Nullable
    String targetUser;

    @Option(
            names = "--target-password",
            paramLabel = "PASSWORD",
            description =
                    "New database password; default: env CUTOVER_TARGET_PASSWORD (prefer it: arguments show in ps).")
    @Nullable
    String targetPassword;

    @Mixin
    DynamoDbOptions dynamoDb = new DynamoDbOptions();

    @Mixin
    Settings.ProfileOption profile = new Settings.ProfileOption();

    private @Nullable Ends ends;

    /** Computes or looks up the boundaries of a plain JDBC source. */
    @FunctionalInterface
    interface Boundaries {
        /** The boundaries to build the source with, given the builder with everything but them. */
        JdbcSource build(JdbcSource.Builder builder) throws SQLException;
    }

    /**
     * Both ends as configured, resolved from the command line, a profile and the environment, and
     * checked without connecting.
     */
    record Ends(
            Settings settings,
            Settings.@Nullable Value sourceUrl,
            Settings.@Nullable Value sourceDynamoDb,
            @Nullable String sourceUser,
            @Nullable String sourcePassword,
            Settings.@Nullable Value targetUrl,
            Settings.@Nullable Value targetDynamoDb,
            @Nullable String targetUser,
            @Nullable String targetPassword) {}

    /** Resolves and checks every option, before anything is opened; usage errors name the option. */
    Ends check(CommandSpec spec) {
        if (ends != null) {
            return ends;
        }
        Settings settings = Settings.of(spec, profile.name);
        Settings.Value[] src = side(
                settings,
                source == null ? null : source.jdbcUrl,
                source == null ? null : source.dynamoDbTable,
                "source");
        Settings.Value[] tgt = side(
                settings,
                target == null ? null : target.jdbcUrl,
                target == null ? null : target.dynamoDbTable,
                "target");
        List<String> wrong = new ArrayList<>();
        String wrongOption = null;
        if (src[0] != null && sourceTable == null) {
            wrong.add("--source-jdbc-url needs --source-table");
            wrongOption = "--source-table";
        }
        if (src[1] != null && sourceTable != null) {
            wrong.add("--source-table is for a JDBC old store; the DynamoDB table is --source-dynamodb-table");
            wrongOption = wrongOption != null ? wrongOption : "--source-table";
        }
        if (!sourceVersioned && (sourceKey == null || sourceVersion == null)) {
            wrong.add("a plain old table needs --source-key and --source-version (or --source-versioned)");
            wrongOption = wrongOption != null ? wrongOption : sourceKey == null ? "--source-key" : "--source-version";
        }
        if (sourceVersioned && (sourceKey != null || sourceVersion != null)) {
            wrong.add("--source-versioned tables have their own key and version; leave out --source-key and"
                    + " --source-version");
            wrongOption = wrongOption != null ? wrongOption : "--source-versioned";
        }
        if (tgt[0] != null && targetTable == null) {
            wrong.add("--target-jdbc-url needs --target-table");
            wrongOption = wrongOption != null ? wrongOption : "--target-table";
        }
        if (tgt[1] != null && targetTable != null) {
            wrong.add("--target-table is for a JDBC new store; the DynamoDB table is --target-dynamodb-table");
            wrongOption = wrongOption != null ? wrongOption : "--target-table";
        }
        if (!wrong.isEmpty()) {
            throw CliException.usage(wrongOption, String.join("; ", wrong));
        }
        if (src[0] != null) {
            Jdbc.check(src[0]);
            String table = Objects.requireNonNull(sourceTable);
            Pattern names = sourceVersioned ? JdbcVersionedTarget.TABLE_NAME : JdbcSource.IDENTIFIER;
            name("--source-table", table, names);
        } else {
            name("--source-dynamodb-table", src[1].value(), DYNAMODB_TABLE);
        }
        if (!sourceVersioned) {
            name("--source-key", sourceKey, src[0] != null ? JdbcSource.IDENTIFIER : ATTRIBUTE);
            name("--source-version", sourceVersion, src[0] != null ? JdbcSource.IDENTIFIER : ATTRIBUTE);
        }
        if (tgt[0] != null) {
            Jdbc.check(tgt[0]);
            name("--target-table", targetTable, JdbcVersionedTarget.TABLE_NAME);
        } else {
            name("--target-dynamodb-table", tgt[1].value(), DYNAMODB_TABLE);
        }
        if (src[1] != null || tgt[1] != null) {
            dynamoDb.check(settings);
        }
        range("--source-segments", sourceSegments, 1, 4096);
        range("--target-segments", targetSegments, 1, 4096);
        Settings.Value sp = settings.get("source-password", sourcePassword);
        Settings.Value tp = settings.get("target-password", targetPassword);
        Settings.warnIfOnCommandLine(spec, sp);
        Settings.warnIfOnCommandLine(spec, tp);
        ends = new Ends(
                settings,
                src[0],
                src[1],
                settings.value("source-user", sourceUser),
                sp == null ? null : sp.value(),
                tgt[0],
                tgt[1],
                settings.value("target-user", targetUser),
                tp == null ? null : tp.value());
        return ends;
    }

    /** A DynamoDB table name. */
    static final Pattern DYNAMODB_TABLE = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    /** A DynamoDB attribute name, as the CLI takes it: printable, no spaces. */
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_.-]{1,255}");

    /** The JDBC URL and DynamoDB table of one end: exactly one of them set. */
    private static Settings.Value[] side(Settings settings, @Nullable String url, @Nullable String table, String end) {
        Settings.Value u;
        Settings.Value t;
        if (url != null || table != null) {
            u = url == null ? null : settings.get(end + "-jdbc-url", url);
            t = table == null ? null : settings.get(end + "-dynamodb-table", table);
        } else {
            u = settings.get(end + "-jdbc-url", null);
            t = settings.get(end + "-dynamodb-table", null);
            if (u != null && t != null) {
                throw CliException.usage(
                        "--" + end + "-jdbc-url",
                        "Two " + (end.equals("source") ? "old" : "new") + " stores: " + u.origin() + " and "
                                + t.origin() + " both name one; give --" + end + "-jdbc-url or --" + end
                                + "-dynamodb-table on the command line");
            }
        }
        if (u == null && t == null) {
            throw CliException.usage(
                    "--" + end + "-jdbc-url",
                    "Missing the " + (end.equals("source") ? "old store, the source" : "new store, the target")
                            + ": give --" + end + "-jdbc-url URL or --" + end + "-dynamodb-table TABLE (or set "
                            + Settings.envName(end + "-jdbc-url") + " or "
                            + Settings.envName(end + "-dynamodb-table") + ", or use --profile)");
        }
        return new Settings.Value[] {u, t};
    }

    private static void name(String option, @Nullable String value, Pattern pattern) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw CliException.invalid(option, "expected a name matching " + pattern.pattern(), value);
        }
    }

    static void range(String option, @Nullable Number value, long min, long max) {
        if (value != null && (value.longValue() < min || value.longValue() > max)) {
            throw CliException.invalid(option, "expected " + min + " to " + max, value);
        }
    }

    /** The checkpoint database by default: the new store's when on JDBC, else the old store's, else null. */
    Settings.@Nullable Value defaultCheckpointUrl(CommandSpec spec) {
        Ends e = check(spec);
        return e.targetUrl() != null ? e.targetUrl() : e.sourceUrl();
    }

    @Nullable
    String defaultCheckpointUser(CommandSpec spec) {
        Ends e = check(spec);
        return e.targetUrl() != null ? e.targetUser() : e.sourceUser();
    }

    @Nullable
    String defaultCheckpointPassword(CommandSpec spec) {
        Ends e = check(spec);
        return e.targetUrl() != null ? e.targetPassword() : e.sourcePassword();
    }

    /**
     * Connects to both ends and checks, reading only, that what the options name exists: the old
     * table with its key and version columns, the new table (or {@code --create-target}). Nothing
     * is created or written; the caller closes the result.
     */
    Connections connect(CommandSpec spec) {
        return connect(spec, 4);
    }

    /**
     * Connects both ends, each JDBC end through a pool of up to {@code connections} connections
     * (opened when needed, reused for every page); the caller closes the result.
     */
    Connections connect(CommandSpec spec, int connections) {
        Ends e = check(spec);
        HikariDataSource sourceDs = null;
        HikariDataSource targetDs = null;
        Connections c;
        try {
            if (e.sourceUrl() != null) {
                sourceDs = Jdbc.pool(e.sourceUrl(), e.sourceUser(), e.sourcePassword(), "source", connections);
            }
            if (e.targetUrl() != null) {
                targetDs = Jdbc.pool(e.targetUrl(), e.targetUser(), e.targetPassword(), "target", connections);
            }
            DynamoDbClient client = e.sourceDynamoDb() != null || e.targetDynamoDb() != null
                    ? dynamoDb.client(spec, e.settings())
                    : null;
            c = new Connections(sourceDs, targetDs, client);
        } catch (RuntimeException failed) {
            new Connections(sourceDs, targetDs, null).close();
            throw failed;
        }
        try {
            Preflight.check(this, e, c);
        } catch (RuntimeException failed) {
            c.close();
            throw failed;
        }
        return c;
    }

    /** The connections of both ends. */
    record Connections(
            @Nullable DataSource source,
            @Nullable DataSource target,
            @Nullable DynamoDbClient dynamoDb) implements AutoCloseable {
        @Override
        public void close() {
            if (dynamoDb != null) {
                dynamoDb.close();
            }
            for (DataSource ds : new DataSource[] {source, target}) {
                if (ds instanceof HikariDataSource pool) {
                    pool.close();
                }
            }
        }
    }

    /** Opens both sides over checked connections, creating the new table with {@code --create-target}; the caller closes the result. */
    Sides open(CommandSpec spec, Connections conns, Boundaries boundaries) throws SQLException {
        Ends e = check(spec);
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            VersionedTarget newSide = openTarget(e, conns, closers);
            SegmentedSource oldSide;
            VersionedTarget oldVersioned = null;
            KeyReader oldReader;
            OptionalLong estimate = OptionalLong.empty();
            if (conns.source() != null) {
                DataSource ds = conns.source();
                String table = Objects.requireNonNull(sourceTable);
                if (sourceVersioned) {
                    oldVersioned = JdbcVersionedTarget.builder(ds)
                            .table(table)
                            .segments(segments(8))
                            .build();
                    oldSide = oldVersioned;
                    oldReader = oldVersioned::read;
                } else {
                    JdbcSource.Builder b = JdbcSource.builder(ds)
                            .table(table)
                            .keyColumn(Objects.requireNonNull(sourceKey))
                            .versionColumn(Objects.requireNonNull(sourceVersion))
                            .segments(segments(8));
                    oldSide = boundaries.build(b);
                    oldReader = JdbcKeyReader.of(ds, table, sourceKey, sourceVersion);
                    estimate = OptionalLong.of(count(ds, table));
                }
            } else {
                String table = Objects.requireNonNull(e.sourceDynamoDb()).value();
                DynamoDbClient c = Objects.requireNonNull(conns.dynamoDb());
                if (sourceVersioned) {
                    DynamoDbVersionedTarget v = DynamoDbVersionedTarget.builder(c, table)
                            .segments(segments(4))
                            .build();
                    closers.add(v);
                    oldVersioned = v;
                    oldSide = v;
                    oldReader = v::read;
                } else {
                    ItemVersion version = ItemVersion.attribute(Objects.requireNonNull(sourceVersion));
                    oldSide = DynamoDbScanSource.builder(c, table)
                            .key(ItemKey.attribute(Objects.requireNonNull(sourceKey)))
                            .version(version)
                            .segments(segments(4))
                            .build();
                    oldReader = DynamoDbKeyReader.of(c, table, sourceKey, version);
                    Long items =
                            c.describeTable(d -> d.tableName(table)).table().itemCount();
                    estimate = items == null ? OptionalLong.empty() : OptionalLong.of(items);
                }
            }
            return new Sides(oldSide, oldVersioned, oldReader, newSide, estimate, closers);
        } catch (IllegalArgumentException ex) {
            closeAll(closers);
            throw CliException.usage(null, "bad source or target options: " + ex.getMessage());
        } catch (SQLException | RuntimeException ex) {
            closeAll(closers);
            throw ex;
        }
    }

    private int segments(int byDefault) {
        return sourceSegments != null ? sourceSegments : byDefault;
    }

    private int targetSegments() {
        return targetSegments != null ? targetSegments : 8;
    }

    private VersionedTarget openTarget(Ends e, Connections conns, List<AutoCloseable> closers) throws SQLException {
        if (conns.target() != null) {
            JdbcVersionedTarget target = JdbcVersionedTarget.builder(conns.target())
                    .table(Objects.requireNonNull(targetTable))
                    .segments(targetSegments())
                    .build();
            if (createTarget) {
                target.createTableIfMissing();
            }
            return target;
        }
        DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(
                        Objects.requireNonNull(conns.dynamoDb()),
                        Objects.requireNonNull(e.targetDynamoDb()).value())
                .segments(targetSegments())
                .build();
        closers.add(target);
        if (createTarget) {
            target.createTableIfMissing();
        }
        return target;
    }

    static long count(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void closeAll(List<AutoCloseable> closers) {
        for (int i = closers.size() - 1; i >= 0; i--) {
            try {
                closers.get(i).close();
            } catch (Exception e) {
                // closing after a failure: the failure is what gets reported
            }
        }
    }

    /**
     * Both sides, opened.
     *
     * @param oldSide the old store as read
     * @param oldVersioned the old store when it is in the versioned layout (a new-to-old repair target)
     * @param oldReader reads the old store by key, or null when it cannot
     * @param newSide the new store
     * @param oldRows how many rows the old store holds, roughly, when known
     */
    record Sides(
            SegmentedSource oldSide,
            @Nullable VersionedTarget oldVersioned,
            @Nullable KeyReader oldReader,
            VersionedTarget newSide,
            OptionalLong oldRows,
            List<AutoCloseable> closers)
            implements AutoCloseable {
        @Override
        public void close() {
            closeAll(closers);
        }
    }
}
