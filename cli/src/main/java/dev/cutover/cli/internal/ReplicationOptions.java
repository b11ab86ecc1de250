package dev.cutover.cli.internal;

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
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Old store, the source (one of):%n")
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
            description = "Segments of the old table: default 8 for JDBC, 4 for a DynamoDB scan.")
    @Nullable
    Integer sourceSegments;

    @Option(
            names = "--source-user",
            paramLabel = "USER",
            defaultValue = "${CUTOVER_SOURCE_USER}",
            showDefaultValue = Visibility.NEVER,
            description = "Old database user; default: env CUTOVER_SOURCE_USER.")
    @Nullable
    String sourceUser;

    @Option(
            names = "--source-password",
            paramLabel = "PASSWORD",
            defaultValue = "${CUTOVER_SOURCE_PASSWORD}",
            showDefaultValue = Visibility.NEVER,
            description = "Old database password; default: env CUTOVER_SOURCE_PASSWORD.")
    @Nullable
    String sourcePassword;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "New store, the target (one of):%n")
    @Nullable
    Target target;

    @Option(names = "--target-table", paramLabel = "TABLE", description = "JDBC table of the new store.")
    @Nullable
    String targetTable;

    @Option(
            names = "--target-segments",
            paramLabel = "N",
            defaultValue = "8",
            description = "Segments the new table is read in, for reconciliation; default ${DEFAULT-VALUE}.")
    int targetSegments = 8;

    @Option(names = "--create-target", description = "Create the new table if it does not exist.")
    boolean createTarget;

    @Option(
            names = "--target-user",
            paramLabel = "USER",
            defaultValue = "${CUTOVER_TARGET_USER}",
            showDefaultValue = Visibility.NEVER,
            description = "New database user; default: env CUTOVER_TARGET_USER.")
    @Nullable
    String targetUser;

    @Option(
            names = "--target-password",
            paramLabel = "PASSWORD",
            defaultValue = "${CUTOVER_TARGET_PASSWORD}",
            showDefaultValue = Visibility.NEVER,
            description = "New database password; default: env CUTOVER_TARGET_PASSWORD.")
    @Nullable
    String targetPassword;

    @Mixin
    DynamoDbOptions dynamoDb = new DynamoDbOptions();

    /** Computes or looks up the boundaries of a plain JDBC source. */
    @FunctionalInterface
    interface Boundaries {
        /** The boundaries to build the source with, given the builder with everything but them. */
        JdbcSource build(JdbcSource.Builder builder) throws SQLException;
    }

    /** Checks the combination of options, before anything is opened. */
    void check(CommandSpec spec) {
        Source s = Objects.requireNonNull(source);
        Target t = Objects.requireNonNull(target);
        List<String> wrong = new ArrayList<>();
        if (s.jdbcUrl != null && sourceTable == null) {
            wrong.add("--source-jdbc-url needs --source-table");
        }
        if (s.dynamoDbTable != null && sourceTable != null) {
            wrong.add("--source-table is for a JDBC old store; the DynamoDB table is --source-dynamodb-table");
        }
        if (!sourceVersioned && (sourceKey == null || sourceVersion == null)) {
            wrong.add("a plain old table needs --source-key and --source-version (or --source-versioned)");
        }
        if (sourceVersioned && (sourceKey != null || sourceVersion != null)) {
            wrong.add("--source-versioned tables have their own key and version; leave out --source-key and"
                    + " --source-version");
        }
        if (t.jdbcUrl != null && targetTable == null) {
            wrong.add("--target-jdbc-url needs --target-table");
        }
        if (t.dynamoDbTable != null && targetTable != null) {
            wrong.add("--target-table is for a JDBC new store; the DynamoDB table is --target-dynamodb-table");
        }
        if (!wrong.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join("; ", wrong));
        }
    }

    /** The JDBC data source of the target, else of the source, else null: where checkpoints go by default. */
    @Nullable
    String defaultCheckpointUrl() {
        Target t = Objects.requireNonNull(target);
        Source s = Objects.requireNonNull(source);
        return t.jdbcUrl != null ? t.jdbcUrl : s.jdbcUrl;
    }

    @Nullable
    String defaultCheckpointUser() {
        return Objects.requireNonNull(target).jdbcUrl != null ? targetUser : sourceUser;
    }

    @Nullable
    String defaultCheckpointPassword() {
        return Objects.requireNonNull(target).jdbcUrl != null ? targetPassword : sourcePassword;
    }

    /** Opens both sides; the caller closes the result. */
    Sides open(CommandSpec spec, Boundaries boundaries) throws SQLException {
        Source s = Objects.requireNonNull(source);
        Target t = Objects.requireNonNull(target);
        DynamoDbClient client = s.dynamoDbTable != null || t.dynamoDbTable != null ? dynamoDb.client(spec) : null;
        List<AutoCloseable> closers = new ArrayList<>();
        if (client != null) {
            closers.add(client);
        }
        try {
            VersionedTarget newSide = openTarget(spec, t, client, closers);
            SegmentedSource oldSide;
            VersionedTarget oldVersioned = null;
            KeyReader oldReader;
            OptionalLong estimate = OptionalLong.empty();
            if (s.jdbcUrl != null) {
                DataSource ds = Jdbc.open(spec, "--source-jdbc-url", s.jdbcUrl, sourceUser, sourcePassword);
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
                String table = Objects.requireNonNull(s.dynamoDbTable);
                DynamoDbClient c = Objects.requireNonNull(client);
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
        } catch (IllegalArgumentException e) {
            closeAll(closers);
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (SQLException | RuntimeException e) {
            closeAll(closers);
            throw e;
        }
    }

    private int segments(int byDefault) {
        return sourceSegments != null ? sourceSegments : byDefault;
    }

    private VersionedTarget openTarget(
            CommandSpec spec, Target t, @Nullable DynamoDbClient client, List<AutoCloseable> closers)
            throws SQLException {
        if (t.jdbcUrl != null) {
            DataSource ds = Jdbc.open(spec, "--target-jdbc-url", t.jdbcUrl, targetUser, targetPassword);
            JdbcVersionedTarget target = JdbcVersionedTarget.builder(ds)
                    .table(Objects.requireNonNull(targetTable))
                    .segments(targetSegments)
                    .build();
            if (createTarget) {
                target.createTableIfMissing();
            }
            return target;
        }
        DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(
                        Objects.requireNonNull(client), Objects.requireNonNull(t.dynamoDbTable))
                .segments(targetSegments)
                .build();
        closers.add(target);
        if (createTarget) {
            target.createTableIfMissing();
        }
        return target;
    }

    private static long count(DataSource ds, String table) throws SQLException {
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
