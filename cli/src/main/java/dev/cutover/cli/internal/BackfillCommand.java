package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cutover backfill}: copies the old store into the new one, resumable, with progress. */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Copy the old store into the new one through the versioned apply, resumably.",
            "",
            "Copy every row of the old store into the new one through the versioned apply: a row lands only",
            "if it is newer than what the new store holds, so live writes are never overwritten. Checkpoints are",
            "saved after every page in a JDBC database: run the same command again to resume, or in several",
            "processes (distinct --owner) to share the segments. Progress goes to standard error.",
            "",
            "A row the old store holds but that cannot be copied is rejected, counted and listed with its key",
            "and reason: a version that is NULL, 0 or negative, a key or payload that cannot be read, a key",
            "normalizer or transform that refuses it. Such rows are not migrated: the backfill then exits 6.",
            "Exit codes: 0 every row read was copied (or was already newer), 1 failed or stopped (run again to",
            "resume), 2 bad arguments, 4 refused, 6 done but rows were rejected or collided (see the report)."
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

    @Option(
            names = "--checkpoint-jdbc-url",
            paramLabel = "URL",
            description = "JDBC database of the checkpoints; default: the new store's, else the old store's.")
    @Nullable
    String checkpointUrl;

    @Option(
            names = "--checkpoint-user",
            paramLabel = "USER",
            defaultValue = "${CUTOVER_CHECKPOINT_USER}",
            showDefaultValue = Visibility.NEVER,
            description = "Checkpoint database user; default: env CUTOVER_CHECKPOINT_USER.")
    @Nullable
    String checkpointUser;

    @Option(
            names = "--checkpoint-password",
            paramLabel = "PASSWORD",
            defaultValue = "${CUTOVER_CHECKPOINT_PASSWORD}",
            showDefaultValue = Visibility.NEVER,
            description = "Checkpoint database password; default: env CUTOVER_CHECKPOINT_PASSWORD.")
    @Nullable
    String checkpointPassword;

    @Option(
            names = "--batch-size",
            paramLabel = "ROWS",
            defaultValue = "500",
            description = "Rows per page: read, applied and checkpointed together; default ${DEFAULT-VALUE}.")
    int batchSize = 500;

    @Option(
            names = "--workers",
            paramLabel = "N",
            defaultValue = "1",
            description = "Segments copied at once by this process; default ${DEFAULT-VALUE}.")
    int workers = 1;

    @Option(
            names = "--rate-limit",
            paramLabel = "ROWS_PER_S",
            description = "At most this many rows per second, this process.")
    @Nullable
    Double rateLimit;

    @Option(
            names = "--owner",
            paramLabel = "NAME",
            description =
                    "Who this process is to the checkpoints (the same after a restart); default: host, pid, random.")
    @Nullable
    String owner;

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

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        sides.check(spec);
        ProgressPrinter.Mode mode = mode();
        if (progressInterval != null && progressInterval < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '--progress-interval': must be >= 0 but was " + progressInterval);
        }
        String url = checkpointUrl != null ? checkpointUrl : sides.defaultCheckpointUrl();
        if (url == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Both stores are DynamoDB tables: give --checkpoint-jdbc-url"
                            + " for the checkpoints (a database every process reaches, or jdbc:h2:file:./checkpoints for one machine)");
        }
        if (!JdbcCheckpointStore.IDENTIFIER.matcher(backfillId).matches()
                || !BackfillBuilder.NAME.matcher(backfillId).matches()
                || (BoundaryStore.CHECKPOINT_PREFIX + backfillId).length() > JdbcCheckpointStore.MAX_TABLE_LENGTH) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '--backfill-id': expected a lower-case"
                            + " letter, then lower-case letters, digits or _ (at most "
                            + (JdbcCheckpointStore.MAX_TABLE_LENGTH - BoundaryStore.CHECKPOINT_PREFIX.length())
                            + " characters) but was '" + backfillId + "'");
        }
        DataSource checkpointDb = Jdbc.open(
                spec,
                checkpointUrl != null ? "--checkpoint-jdbc-url" : "the checkpoint database (" + Jdbc.redact(url) + ")",
                url,
                checkpointUrl != null ? checkpointUser : sides.defaultCheckpointUser(),
                checkpointUrl != null ? checkpointPassword : sides.defaultCheckpointPassword());
        JdbcCheckpointStore checkpoints =
                JdbcCheckpointStore.builder(checkpointDb, backfillId).build();
        BoundaryStore boundaries = new BoundaryStore(checkpointDb);
        try (ReplicationOptions.Sides opened = sides.open(spec, b -> boundaries(boundaries, b))) {
            return run(opened, checkpoints, mode);
        }
    }

    private ProgressPrinter.Mode mode() {
        if (progress.equals("auto")) {
            return ProgressPrinter.auto();
        }
        try {
            return ProgressPrinter.Mode.valueOf(progress);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '--progress': expected one of auto," + " bar, lines, none but was '"
                            + progress + "'");
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
            if (owner != null) {
                b.owner(owner);
            }
            if (total.isPresent()) {
                b.estimatedRows(Math.max(0, total.getAsLong() - rowsBefore));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (rowsBefore > 0) {
            err.println("resuming backfill " + backfillId + ": " + doneBefore + " of "
                    + opened.oldSide().segments() + " segments done, " + ProgressPrinter.number(rowsBefore)
                    + " rows read before");
            err.flush();
        }
        BackfillResult result;
        try (Backfill backfill = b.build()) {
            Thread stopOnInterrupt = new Thread(backfill::close, "cutover-backfill-stop");
            Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
            try {
                result = backfill.run();
            } catch (BackfillException e) {
                printer.finish();
                throw new CliException(
                        Exit.FAILED,
                        "backfill '" + backfillId + "' failed: " + e.getMessage()
                                + "\nThe checkpoints are kept: run the same command again to resume where it stopped.");
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is stopping the backfill
                }
            }
        }
        printer.finish();
        ObjectNode json = json(result, opened, rowsBefore);
        if (report != null) {
            write(report, json);
        }
        if (output.json()) {
            Json.print(spec.commandLine().getOut(), json);
        } else {
            summary(spec.commandLine().getOut(), result, rowsBefore);
        }
        if (result.status() == BackfillResult.Status.STOPPED) {
            throw new CliException(
                    Exit.FAILED,
                    "backfill '" + backfillId + "' stopped before the end; run the same" + " command again to resume");
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

    static void write(Path file, ObjectNode json) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, Json.MAPPER.writeValueAsString(json) + "\n");
        } catch (IOException e) {
            throw new CliException(Exit.FAILED, "cannot write the report to " + file + ": " + e.getMessage());
        }
    }
}
