package dev.cutover.benchmarks.replication;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcRangeResultStore;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One process of the split reconciliation that {@link LargeReconciliation} starts in JVMs of their
 * own: it runs {@code split} on the shared stores until every range is done, then prints the
 * merged report's counts on one line starting with {@link #REPORT} and exits 0. Arguments: JDBC
 * URL, user, stores' name, owner, then {@link Layout#toArgs()}.
 */
public final class LargeReconciliationWorker {

    /** The start of the line with the merged report's counts. */
    static final String REPORT = "LARGE-RECONCILIATION-REPORT";

    private LargeReconciliationWorker() {}

    /**
     * What every process of a run must agree on: the tables, both sides' segments (the old side's
     * boundaries computed once), the page size and the ranges.
     *
     * @param oldTable the old table: {@code id}, {@code rev}, {@code doc}
     * @param newTable the versioned target's table
     * @param boundaries the old side's boundary keys, from {@link JdbcSource#boundaries()}
     * @param newSegments the new side's segments
     * @param pageSize rows per page
     * @param ranges ranges of the split
     */
    record Layout(
            String oldTable, String newTable, List<String> boundaries, int newSegments, int pageSize, int ranges) {

        /** The arguments that {@link #fromArgs} reads back. */
        List<String> toArgs() {
            return List.of(
                    oldTable,
                    newTable,
                    String.join(",", boundaries),
                    Integer.toString(newSegments),
                    Integer.toString(pageSize),
                    Integer.toString(ranges));
        }

        static Layout fromArgs(List<String> a) {
            List<String> boundaries =
                    a.get(2).isEmpty() ? List.of() : Arrays.asList(a.get(2).split(","));
            return new Layout(
                    a.get(0),
                    a.get(1),
                    boundaries,
                    Integer.parseInt(a.get(3)),
                    Integer.parseInt(a.get(4)),
                    Integer.parseInt(a.get(5)));
        }

        /** The boundaries of {@code segments} segments of the old table, computed once for every process. */
        static List<String> boundaries(DataSource pool, String oldTable, int segments) throws SQLException {
            return new Layout(oldTable, "", List.of(), 1, 1, 1)
                    .oldSide(pool, segments)
                    .boundaries();
        }

        /** The old side: the old table read by key {@code id}, version {@code rev}, payload parsed from {@code doc}. */
        JdbcSource oldSide(DataSource pool) throws SQLException {
            return oldSide(pool, 0);
        }

        /** The old side over these boundaries, or with boundaries computed for {@code segments} when positive. */
        private JdbcSource oldSide(DataSource pool, int segments) throws SQLException {
            JdbcSource.Builder b = JdbcSource.builder(pool)
                    .table(oldTable)
                    .keyColumn("id")
                    .versionColumn("rev")
                    .rowMapper(rs -> BackfillMeasurement.parse(rs.getString("doc")));
            return (segments > 0 ? b.segments(segments) : b.boundaries(boundaries)).build();
        }

        /** The new side: the versioned target's table. */
        JdbcVersionedTarget newSide(DataSource pool) throws SQLException {
            return JdbcVersionedTarget.builder(pool)
                    .table(newTable)
                    .segments(newSegments)
                    .dialect(SqlDialect.POSTGRESQL)
                    .build();
        }

        /** The reconciler every process runs: defaults but the page size. */
        Reconciler reconciler(DataSource pool) throws SQLException {
            return Reconciler.between(oldSide(pool), newSide(pool))
                    .pageSize(pageSize)
                    .build();
        }

        /** The split over stores named {@code name} in the same database. */
        Reconciler.Split split(DataSource pool, String name, String owner) throws SQLException {
            return reconciler(pool)
                    .split(
                            JdbcCheckpointStore.builder(pool, name).build(),
                            JdbcRangeResultStore.builder(pool, name).build())
                    .ranges(ranges)
                    .owner(owner);
        }
    }

    /**
     * Runs one process of the split; exit status 1 when it fails.
     *
     * @param args JDBC URL, user, stores' name, owner, then the {@link Layout}
     */
    public static void main(String[] args) {
        try (HikariDataSource pool = pool(args[0], args[1], "large-reconciliation-" + args[3])) {
            Layout layout = Layout.fromArgs(List.of(args).subList(4, args.length));
            ReconciliationReport report = layout.split(pool, args[2], args[3]).run();
            System.out.println(line(report));
            System.out.flush();
        } catch (Exception | Error e) {
            System.err.println("large reconciliation worker " + String.join(" ", args) + " failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
        System.exit(0);
    }

    /** A pool of {@link PostgresMeasurement#POOL_SIZE} connections, as the replication benchmark uses. */
    static HikariDataSource pool(String url, String user, String name) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user);
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setPoolName(name);
        config.setMaximumPoolSize(PostgresMeasurement.POOL_SIZE);
        return new HikariDataSource(config);
    }

    /** The report's counts on one line, as {@link Counts#parse} reads them. */
    static String line(ReconciliationReport report) {
        Counts c = Counts.of(report);
        return String.format(
                Locale.ROOT,
                "%s old=%d new=%d discrepancies=%d rejected=%d clean=%b",
                REPORT,
                c.oldRows(),
                c.newRows(),
                c.discrepancies(),
                c.rejected(),
                c.clean());
    }

    /**
     * What a run found.
     *
     * @param oldRows live rows read from the old side
     * @param newRows live rows read from the new side
     * @param discrepancies missing, extra, different, collisions and errors
     * @param rejected rows a side rejected
     * @param clean the report's verdict
     */
    record Counts(long oldRows, long newRows, long discrepancies, long rejected, boolean clean) {
        static Counts of(ReconciliationReport report) {
            ReconciliationReport.Counts c = report.counts();
            return new Counts(
                    c.oldRows(),
                    c.newRows(),
                    c.missingInNew() + c.extraInNew() + c.different() + c.collisions() + c.errors(),
                    report.rejected().size(),
                    report.clean());
        }

        /** The counts of a {@link #line}. */
        static Counts parse(String line) {
            String[] f = line.substring(line.indexOf(REPORT) + REPORT.length())
                    .trim()
                    .split("\\s+");
            return new Counts(
                    Long.parseLong(value(f[0], "old")),
                    Long.parseLong(value(f[1], "new")),
                    Long.parseLong(value(f[2], "discrepancies")),
                    Long.parseLong(value(f[3], "rejected")),
                    Boolean.parseBoolean(value(f[4], "clean")));
        }

        private static String value(String field, String name) {
            if (!field.startsWith(name + "=")) {
                throw new IllegalArgumentException("expected " + name + "=... in a worker's report but was " + field);
            }
            return field.substring(name.length() + 1);
        }
    }
}
