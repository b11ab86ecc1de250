package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillBuilder;
import dev.cutover.replication.BackfillCollision;
import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.BackfillException;
import dev.cutover.replication.BackfillRejection;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.spi.Checkpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cutover backfill}: copies the old store into the new one, resumable, with progress. */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Copy the old store into the new one through the versioned apply, resumably.",
            "",
            "Copy every row of the old store into the new one through the versioned apply: a row lands only if it is"
                    + " newer than what the new store holds, so live writes are never overwritten. Checkpoints are saved"
                    + " after every page in a JDBC database: run the same command again to resume, or in several"
                    + " processes (distinct --owner) to share the segments. Progress goes to standard error.",
            "",
            "Every option, connection and table is checked before anything is created or written: a command that"
                    + " fails on its arguments leaves the databases as they were. Ctrl-C (SIGINT) or SIGTERM stops the"
                    + " copy after the page in flight; the checkpoints are kept and the same command resumes.",
            "",
            "A row the old store holds but that cannot be copied is rejected, counted and listed with its key and"
                    + " reason: a version that is NULL, 0 or negative, a key or payload that cannot be read. Such rows are"
                    + " not migrated: the backfill then exits 6.",
            "",
            "Exit codes: 0 every row read was copied (or was already newer), 1 failed or stopped (run again to resume),"
                    + " 2 bad arguments, 4 refused, 6 done but rows were rejected or collided (see the report)."
        })
public final class BackfillCommand implements Callable<Integer> {
    /** The value of the report's {@code schema} field. */
    static final String SCHEMA = "cutover.backfill/1";

    @Spec
    CommandSpec spec;

    @Option(
            names = "--backfill-id",
            paramLabel = "NAME",
            required = true,
            description =
                    "Names the backfill and its checkpoints ([a-z][a-z0-9_]*): the same id resumes, a new one copies again.")
    String backfillId = "";

    @Mixin
    ReplicationOptions sides = new ReplicationOptions();

    @Mixin
    CheckpointDbOptions checkpointOptions = new CheckpointDbOptions();

    @Option(
            names = "--batch-size",
            paramLabel = "ROWS",
            defaultValue = "500",
            description =
                    "Rows per page: read, applied and checkpointed together, 1 to 10000; default ${DEFAULT-VALUE}.")
    int batchSize = 500;

    @Option(
            names = "--workers",
            paramLabel = "N",
            defaultValue = "1",
            description = "Segments copied at once by this process, 1 to 64; default ${DEFAULT-VALUE}.")
    int workers = 1;

    @Option(
            names = "--rate-limit",
            paramLabel = "ROWS_PER_S",
            description = "At most this many rows per second, this process.")
    @Nullable
    Double rateLimit;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write the result as JSON (schema " + SCHEMA + ") to FILE.")
    @Nullable
    Path report;

    @Option(
            names = "--progress",
            paramLabel = "MODE",
            defaultValue = "auto",
            description = "auto (a bar on a terminal, else lines), bar, lines or none; default ${DEFAULT-VALUE}.")
    String progress = "auto";

    @Option(
            names = "--progress-interval",
            paramLabel = "MILLIS",
            description = "Least time between two progress updates; default 200 for the bar, 5000 for lines.")
    @Nullable
    Long progressInterval;

    @Option(
            names = "--dry-run",
            description = "Check every option, connection and table, and print what the backfill would create and"
                    + " copy; create and write nothing.")
    boolean dryRun;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        ReplicationOptions.Ends ends = sides.check(spec);
        ProgressPrinter.Mode mode = mode();
        ReplicationOptions.range("--progress-interval", progressInterval, 0, Long.MAX_VALUE);
        ReplicationOptions.range("--batch-size", batchSize, 1, BackfillBuilder.MAX_BATCH_SIZE);
        ReplicationOptions.range("--workers", workers, 1, BackfillBuilder.MAX_WORKERS);
        if (rateLimit != null && !(rateLimit > 0 && Double.isFinite(rateLimit))) {
            throw CliException.invalid("--rate-limit", "expected a positive number of rows per second", rateLimit);
        }
        checkpointOptions.owner(); // checked before anything is opened
        checkId();
        if (report != null) {
            Reports.checkWritable(report);
        }
        CheckpointDbOptions.At at = checkpointOptions.resolve(spec, ends, sides);
        Settings.Value url = at.url();
        // connect everywhere and check what exists, reading only: a failure here has written nothing
        try (HikariDataSource checkpointDb = at.pool(workers + 1);
                ReplicationOptions.Connections conns = sides.connect(spec, workers + 2)) {
            JdbcCheckpointStore checkpoints =
                    JdbcCheckpointStore.builder(checkpointDb, backfillId).build();
            if (dryRun) {
                return plan(ends, conns, url, checkpointDb, checkpoints);
            }
            BoundaryStore boundaries = new BoundaryStore(checkpointDb);
            try (ReplicationOptions.Sides opened = sides.open(spec, conns, b -> boundaries(boundaries, b))) {
                return run(opened, checkpoints, mode);
            }
        }
    }

    private void checkId() {
        if (!JdbcCheckpointStore.IDENTIFIER.matcher(backfillId).matches()
                || !BackfillBuilder.NAME.matcher(backfillId).matches()
                || (BoundaryStore.CHECKPOINT_PREFIX + backfillId).length() > JdbcCheckpointStore.MAX_TABLE_LENGTH) {
            throw CliException.invalid(
                    "--backfill-id",
                    "expected a lower-case letter, then lower-case letters, digits or _ (at most "
                            + (JdbcCheckpointStore.MAX_TABLE_LENGTH - BoundaryStore.CHECKPOINT_PREFIX.length())
                            + " characters)",
                    backfillId);
        }
    }

    /** {@code --dry-run}: what a run would create and copy, from reads only. */
    private int plan(
            ReplicationOptions.Ends ends,
            ReplicationOptions.Connections conns,
            Settings.Value checkpointUrl,
            DataSource checkpointDb,
            JdbcCheckpointStore checkpoints)
            throws SQLException {
        String source = ends.sourceUrl() != null
                ? "JDBC table " + sides.sourceTable + " at "
                        + Jdbc.redact(ends.sourceUrl().value())
                : "DynamoDB table "
                        + java.util.Objects.requireNonNull(ends.sourceDynamoDb())
                                .value();
        String rows = "";
        if (conns.source() != null && !sides.sourceVersioned) {
            rows = ", about " + ProgressPrinter.number(ReplicationOptions.count(conns.source(), sides.sourceTable))
                    + " rows";
        }
        boolean targetExists = conns.target() != null
                ? Schema.exists(conns.target(), java.util.Objects.requireNonNull(sides.targetTable))
                : true;
        String target = ends.targetUrl() != null
                ? "JDBC table " + sides.targetTable + " at "
                        + Jdbc.redact(ends.targetUrl().value())
                : "DynamoDB table "
                        + java.util.Objects.requireNonNull(ends.targetDynamoDb())
                                .value();
        boolean checkpointsExist = Schema.exists(checkpointDb, checkpoints.table());
        long done = 0;
        long total = 0;
        long rowsBefore = 0;
        if (checkpointsExist) {
            for (Checkpoint c : checkpoints.checkpoints()) {
                total++;
                done += c.done() ? 1 : 0;
                rowsBefore += c.rows();
            }
        }
        String checkpointState = !checkpointsExist
                ? "would be created (a new backfill)"
                : "exists: " + done + " of " + total + " segments done, " + ProgressPrinter.number(rowsBefore)
                        + " rows read (this run resumes)";
        if (output.json()) {
            ObjectNode root = Json.object()
                    .put("backfill", backfillId)
                    .put("dryRun", true)
                    .put("source", source)
                    .put("target", target)
                    .put("targetExists", targetExists)
                    .put("checkpointTable", checkpoints.table())
                    .put("checkpointsExist", checkpointsExist)
                    .put("segmentsDone", done)
                    .put("rowsReadBefore", rowsBefore)
                    .put("workers", workers)
                    .put("batchSize", batchSize);
            Json.print(spec.commandLine().getOut(), root);
            return Exit.OK;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("dry run, nothing written: backfill " + backfillId);
        out.println("  from " + source + rows);
        out.println("  to " + target + (targetExists ? "" : ": would be created (--create-target)"));
        out.println("  checkpoints: table " + checkpoints.table() + " at " + Jdbc.redact(checkpointUrl.value()) + " "
                + checkpointState);
        out.println("  " + workers + (workers == 1 ? " worker" : " workers") + ", pages of " + batchSize + " rows"
                + (rateLimit == null ? ", no rate limit" : ", at most " + rateLimit + " rows/s"));
        out.flush();
        return Exit.OK;
    }

    private ProgressPrinter.Mode mode() {
        if (progress.equals("auto")) {
            return ProgressPrinter.auto();
        }
        try {
            return ProgressPrinter.Mode.valueOf(progress);
        } catch (IllegalArgumentException e) {
            throw CliException.invalid("--progress", "expected one of auto, bar, lines, none", progress);
        }
    }

    private JdbcSource boundaries(BoundaryStore store, JdbcSource.Builder builder) throws SQLException {
        Optional<List<String>> saved = store.load(backfillId);
        if (saved.isPresent()) {
            return builder.boundaries(saved.get()).build();
        }
        JdbcSource computed = builder.build();
        List<String> kept = store.saveFirst(backfillId, computed.boundaries());
        return kept.equals(computed.boundaries())
                ? computed
                : builder.boundaries(kept).build();
    }

    @SuppressWarnings("try") // the signal hook closes the backfill to stop it
    private int run(ReplicationOptions.Sides opened, JdbcCheckpointStore checkpoints, ProgressPrinter.Mode mode)
            throws Exception {
        try {
            checkpoints.prepare(opened.oldSide().segments(), opened.oldSide().layout());
        } catch (IllegalStateException e) {
            throw new CliException(
                    Exit.REFUSED,
                    "backfill '" + backfillId + "': " + e.getMessage()
                            + "; use the segments of the first run, or another --backfill-id");
        }
        long rowsBefore = 0;
        int doneBefore = 0;
        for (Checkpoint c : checkpoints.checkpoints()) {
            rowsBefore += c.rows();
            doneBefore += c.done() ? 1 : 0;
        }
        OptionalLong total = opened.oldRows();
        Duration interval = Duration.ofMillis(
                progressInterval != null ? progressInterval : mode == ProgressPrinter.Mode.bar ? 200 : 5000);
        PrintWriter err = spec.commandLine().getErr();
        ProgressPrinter printer =
                new ProgressPrinter(err, mode, backfillId, interval, rowsBefore, total, System::nanoTime);
        BackfillBuilder b;
        try {
            b = Backfill.from(opened.oldSide())
                    .to(opened.newSide())
                    .name(backfillId)
                    .checkpoints(checkpoints)
                    .batchSize(batchSize)
                    .workers(workers)
                    .listener(printer);
            if (rateLimit != null) {
                b.rateLimit(rateLimit);
            }
            String owner = checkpointOptions.owner();
            if (owner != null) {
                b.owner(owner);
            }
            if (total.isPresent()) {
                b.estimatedRows(Math.max(0, total.getAsLong() - rowsBefore));
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage(null, "bad backfill options: " + e.getMessage());
        }
        if (rowsBefore > 0) {
            err.println("resuming backfill " + backfillId + ": " + doneBefore + " of "
                    + opened.oldSide().segments() + " segments done, " + ProgressPrinter.number(rowsBefore)
                    + " rows read before");
            err.flush();
        }
        BackfillResult result;
        CountDownLatch reported = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        try (Backfill backfill = b.build()) {
            // Ctrl-C or SIGTERM: stop after the page in flight, report where it stopped, exit 1
            Thread stopOnSignal = new Thread(
                    () -> {
                        signalled.set(true);
                        backfill.close();
                        try {
                            if (!reported.await(30, TimeUnit.SECONDS)) {
                                err.println("backfill " + backfillId + " stopped by a signal; the checkpoints are kept:"
                                        + " run the same command again to resume");
                                err.flush();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        Runtime.getRuntime().halt(Exit.FAILED);
                    },
                    "cutover-backfill-stop");
            Runtime.getRuntime().addShutdownHook(stopOnSignal);
            try {
                result = backfill.run();
            } catch (BackfillException e) {
                printer.finish(BackfillResult.Status.FAILED);
                reported.countDown();
                throw new CliException(
                        Exit.FAILED,
                        "backfill '" + backfillId + "' failed: " + Errors.describe(e)
                                + "\nThe checkpoints are kept: run the same command again to resume where it stopped.");
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopOnSignal);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is stopping the backfill
                }
            }
        }
        try {
            boolean stopped = result.status() == BackfillResult.Status.STOPPED;
            printer.finish(result.status());
            ObjectNode json = json(result, opened, rowsBefore);
            if (report != null) {
                Reports.write(report, json);
            }
            if (output.json()) {
                Json.print(spec.commandLine().getOut(), json);
            } else {
                summary(spec.commandLine().getOut(), result, rowsBefore);
            }
            if (stopped && signalled.get()) {
                // the signal's hook ends the process with exit 1 once this is printed
                err.println("error: backfill '" + backfillId + "' stopped by a signal; the checkpoints are kept: run"
                        + " the same command again to resume");
                err.flush();
                return Exit.FAILED;
            }
            if (stopped) {
                throw new CliException(
                        Exit.FAILED,
                        "backfill '" + backfillId + "' stopped before the end"
                                + (signalled.get() ? " (by a signal)" : "") + "; the checkpoints are kept: run the"
                                + " same command again to resume");
            }
        } finally {
            reported.countDown();
        }
        return result.counts().rejected() + result.counts().collisions() > 0 ? Exit.DIFFERENCES : Exit.OK;
    }

    private void summary(PrintWriter out, BackfillResult r, long rowsBefore) {
        BackfillCounts c = r.counts();
        out.println("backfill " + backfillId + " " + r.status() + " in " + ProgressPrinter.duration(r.duration()) + " ("
                + r.duration().toMillis() + " ms): segments " + r.segmentsDone() + "/" + r.segmentsTotal());
        out.println("  read " + ProgressPrinter.number(c.read()) + ", applied " + ProgressPrinter.number(c.applied())
                + ", already newer " + ProgressPrinter.number(c.superseded()) + ", duplicate "
                + ProgressPrinter.number(c.duplicate()) + ", rejected " + c.rejected() + ", collisions "
                + c.collisions()
                + (rowsBefore > 0 ? "; " + ProgressPrinter.number(rowsBefore) + " rows read by earlier runs" : ""));
        r.rejections().stream()
                .limit(20)
                .forEach(x -> out.println("  rejected " + (x.key() == null ? "(no key)" : x.key()) + " ("
                        + x.step().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): " + x.reason()));
        if (c.rejected() > 20) {
            out.println("  ... " + (c.rejected() - 20) + " more rejected rows"
                    + (report != null
                            ? ", listed in the report"
                                    + (r.truncated() ? " (the first " + BackfillResult.MAX_REPORTED + ")" : "")
                            : "; --report FILE lists them"));
        }
        r.collisions().stream()
                .limit(20)
                .forEach(x ->
                        out.println("  collision " + x.newKey() + ": " + x.firstKey() + " and " + x.collidingKey()));
        if (report != null) {
            out.println("  report: " + report);
        }
        out.flush();
    }

    private ObjectNode json(BackfillResult r, ReplicationOptions.Sides opened, long rowsBefore) {
        BackfillCounts c = r.counts();
        ObjectNode root = Json.object()
                .put("schema", SCHEMA)
                .put("backfill", backfillId)
                .put("source", opened.oldSide().describe())
                .put("target", opened.newSide().describe())
                .put("status", r.status().name())
                .put("durationMillis", r.duration().toMillis())
                .put("segmentsDone", r.segmentsDone())
                .put("segmentsTotal", r.segmentsTotal())
                .put("rowsReadBefore", rowsBefore);
        root.putObject("counts")
                .put("read", c.read())
                .put("applied", c.applied())
                .put("superseded", c.superseded())
                .put("duplicate", c.duplicate())
                .put("rejected", c.rejected())
                .put("collisions", c.collisions())
                .put("leasesLost", c.leasesLost())
                .put("segmentsCopied", c.segmentsCopied());
        ArrayNode rejections = root.putArray("rejections");
        for (BackfillRejection x : r.rejections()) {
            rejections
                    .addObject()
                    .put("key", x.key())
                    .put("version", x.version())
                    .put("segment", x.segment())
                    .put("step", x.step().name())
                    .put("reason", x.reason());
        }
        ArrayNode collisions = root.putArray("collisions");
        for (BackfillCollision x : r.collisions()) {
            collisions
                    .addObject()
                    .put("newKey", x.newKey())
                    .put("firstKey", x.firstKey())
                    .put("collidingKey", x.collidingKey())
                    .put("segment", x.segment());
        }
        root.put("truncated", r.truncated()).put("collisionTrackingSaturated", r.collisionTrackingSaturated());
        return root;
    }
}
